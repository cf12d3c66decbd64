// Checks what the MES sends against the ERPs' published field definitions
// (test/fixtures/erp-definitions, each with its source): existence, type and format, string
// lengths, decimal precision and scale, select options, mandatory fields and child tables. Written
// from the definitions alone, independent of lib/erp, so that a mapper cannot agree with itself.
const SAP_CONFIRMATION = require('../fixtures/erp-definitions/sap-API_PROD_ORDER_CONFIRMATION_2_SRV.json');
const SAP_PRODUCTION_ORDER = require('../fixtures/erp-definitions/sap-API_PRODUCTION_ORDER_2_SRV.json');
const ERPNEXT = require('../fixtures/erp-definitions/erpnext-doctypes.json');

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function problem(path, rule, message) {
  return { path, rule, message: `${path}: ${message}` };
}

/** One OData V2 value against its Edm property; [] when it conforms. */
function edmProblems(path, property, value) {
  if (value === null) return property.nullable === false ? [problem(path, 'nullable', 'may not be null')] : [];
  switch (property.type) {
    case 'Edm.String':
      if (typeof value !== 'string') return [problem(path, 'type', `must be a string, not ${JSON.stringify(value)}`)];
      return value.length > property.maxLength ? [problem(path, 'maxLength', `'${value}' has ${value.length} characters; at most ${property.maxLength}`)] : [];
    case 'Edm.Decimal': {
      // OData V2 JSON carries Edm.Decimal as a string literal: digits, optional point, no exponent.
      const m = typeof value === 'string' ? /^-?(\d+)(?:\.(\d+))?$/.exec(value) : null;
      if (!m) return [problem(path, 'format', `${JSON.stringify(value)} is not an Edm.Decimal literal`)];
      const out = [];
      if ((m[2] ?? '').length > property.scale) out.push(problem(path, 'scale', `'${value}' has ${(m[2] ?? '').length} decimals; Edm.Decimal scale is ${property.scale}`));
      if (m[1].replace(/^0+(?=\d)/, '').length > property.precision - property.scale) out.push(problem(path, 'precision', `'${value}' has more than ${property.precision - property.scale} digits before the point`));
      return out;
    }
    case 'Edm.Boolean':
      return typeof value === 'boolean' ? [] : [problem(path, 'type', `must be true or false, not ${JSON.stringify(value)}`)];
    case 'Edm.DateTime':
      return typeof value === 'string' && /^\/Date\(-?\d+\)\/$/.test(value) ? [] : [problem(path, 'format', `${JSON.stringify(value)} is not /Date(ms)/`)];
    case 'Edm.Time':
      return typeof value === 'string' && /^PT(?=\d)(\d{1,2}H)?(\d{1,2}M)?(\d{1,2}S)?$/.test(value) ? [] : [problem(path, 'format', `${JSON.stringify(value)} is not an Edm.Time PThhHmmMssS`)];
    case 'Edm.Guid':
      return typeof value === 'string' && GUID.test(value) ? [] : [problem(path, 'format', `${JSON.stringify(value)} is not an Edm.Guid`)];
    case 'Edm.Byte':
      return Number.isInteger(value) && value >= 0 && value <= 255 ? [] : [problem(path, 'type', `${JSON.stringify(value)} is not an Edm.Byte`)];
    default:
      return [problem(path, 'type', `type ${property.type} is not checked here`)];
  }
}

/**
 * An OData V2 JSON entity (with deep-insert navigation `{ results: [...] }`) against trimmed
 * $metadata. `required` lists the properties that must be there and not empty.
 */
function odataEntityProblems(definitions, entityName, body, path = entityName) {
  const entity = definitions.entities[entityName];
  if (!entity) return [problem(path, 'entity', `no entity ${entityName} in ${definitions.service}`)];
  if (!body || typeof body !== 'object' || Array.isArray(body)) return [problem(path, 'type', 'must be an object')];
  const out = [];
  for (const [name, value] of Object.entries(body)) {
    const navigation = entity.navigation?.[name];
    if (navigation) {
      const rows = Array.isArray(value) ? value : value?.results;
      if (!Array.isArray(rows)) {
        out.push(problem(`${path}.${name}`, 'type', 'a deep insert is { results: [...] }'));
        continue;
      }
      rows.forEach((row, i) => out.push(...odataEntityProblems(definitions, navigation.entity, row, `${path}.${name}[${i}]`)));
      continue;
    }
    const property = entity.properties[name];
    if (!property) out.push(problem(`${path}.${name}`, 'unknownProperty', `${entityName} has no property ${name}`));
    else out.push(...edmProblems(`${path}.${name}`, property, value));
  }
  for (const name of definitions.mesRules?.required?.[entityName] ?? []) {
    if (body[name] === undefined || body[name] === '' || body[name] === null) out.push(problem(`${path}.${name}`, 'required', 'is required'));
  }
  return out;
}

/** A request of the SAP dialect: POST to an entity set of API_PROD_ORDER_CONFIRMATION_2_SRV. */
function sapRequestProblems(request) {
  const set = /^\/([A-Za-z0-9_]+)$/.exec(request.path)?.[1];
  if (request.method !== 'POST' || !SAP_CONFIRMATION.entitySets[set]) return [problem(request.path, 'route', `${request.method} ${request.path} is no entity set of ${SAP_CONFIRMATION.service}`)];
  return odataEntityProblems(SAP_CONFIRMATION, SAP_CONFIRMATION.entitySets[set], request.body);
}

const FRAPPE_NAME_LENGTH = 140;
const FRAPPE_FORMATS = {
  Date: /^\d{4}-\d{2}-\d{2}$/,
  Time: /^\d{2}:\d{2}:\d{2}(\.\d{1,6})?$/,
  Datetime: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$/,
};

function frappeFieldProblems(path, field, value, mode) {
  if (field.readOnly) return [problem(path, 'readOnly', 'is set by ERPNext; a client does not send it')];
  switch (field.fieldtype) {
    case 'Link':
    case 'Data':
      if (typeof value !== 'string' || value === '') return [problem(path, 'type', `must be a non-empty string, not ${JSON.stringify(value)}`)];
      if (value.length > FRAPPE_NAME_LENGTH) return [problem(path, 'maxLength', `has ${value.length} characters; at most ${FRAPPE_NAME_LENGTH}`)];
      if (field.fieldtype === 'Link' && field.options === 'UOM' && ERPNEXT.uoms[value] === undefined) return [problem(path, 'link', `UOM '${value}' is not an ERPNext unit (uom_data.json)`)];
      return [];
    case 'Select':
      return field.options.includes(value) ? [] : [problem(path, 'options', `${JSON.stringify(value)} is not one of ${field.options.join(', ')}`)];
    case 'Check':
      return value === 0 || value === 1 ? [] : [problem(path, 'type', `a Check is 0 or 1, not ${JSON.stringify(value)}`)];
    case 'Int':
      if (!Number.isInteger(value)) return [problem(path, 'type', `must be an integer, not ${JSON.stringify(value)}`)];
      return field.options && !field.options.includes(value) ? [problem(path, 'options', `${value} is not one of ${field.options.join(', ')}`)] : [];
    case 'Float':
      return typeof value === 'number' && Number.isFinite(value) ? [] : [problem(path, 'type', `must be a number, not ${JSON.stringify(value)}`)];
    case 'Text':
    case 'Small Text':
      return typeof value === 'string' ? [] : [problem(path, 'type', 'must be a string')];
    case 'Date':
    case 'Time':
    case 'Datetime':
      return typeof value === 'string' && FRAPPE_FORMATS[field.fieldtype].test(value) ? [] : [problem(path, 'format', `${JSON.stringify(value)} is not a Frappe ${field.fieldtype}`)];
    case 'Table':
      if (!Array.isArray(value)) return [problem(path, 'type', 'a child table is an array of rows')];
      return value.flatMap((row, i) => frappeDocProblems(field.options, row, mode, `${path}[${i}]`));
    default:
      return [problem(path, 'type', `fieldtype ${field.fieldtype} is not checked here`)];
  }
}

/**
 * A document (or child row) against its trimmed doctype. `insert` also requires the mandatory
 * fields that nothing else fills (reqd without a default, not read-only, not set by the server);
 * a child row always does; `update` (PUT) changes only the fields it names.
 */
function frappeDocProblems(doctype, doc, mode, path = doctype) {
  const definition = ERPNEXT.doctypes[doctype];
  if (!definition) return [problem(path, 'doctype', `no doctype ${doctype} in the definitions`)];
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return [problem(path, 'type', 'must be an object')];
  const out = [];
  for (const [name, value] of Object.entries(doc)) {
    const field = definition.fields[name] ?? ERPNEXT.standardFields[name];
    if (!field) out.push(problem(`${path}.${name}`, 'unknownField', `${doctype} has no field ${name}`));
    else if (name === 'doctype') { if (value !== doctype) out.push(problem(`${path}.doctype`, 'doctype', `is '${value}', not '${doctype}'`)); }
    else out.push(...frappeFieldProblems(`${path}.${name}`, field, value, mode));
  }
  if (mode === 'insert' || definition.isTable) {
    for (const [name, field] of Object.entries(definition.fields)) {
      if (field.reqd && field.default === undefined && !field.readOnly && !field.serverSet && (doc[name] === undefined || doc[name] === '' || doc[name] === null)) {
        out.push(problem(`${path}.${name}`, 'mandatory', 'is mandatory'));
      }
    }
  }
  return out;
}

/** A request of the ERPNext dialect against Frappe's v1 REST routes and the doctypes. */
function erpnextRequestProblems(request) {
  const m = /^\/api\/resource\/([^/]+)(?:\/([^/]+))?$/.exec(request.path);
  const doctype = m && decodeURIComponent(m[1]);
  if (m && request.method === 'POST' && !m[2]) return frappeDocProblems(doctype, request.body, 'insert');
  if (m && request.method === 'PUT' && m[2]) return frappeDocProblems(doctype, request.body, 'update');
  return [problem(request.path, 'route', `${request.method} ${request.path} is no Frappe v1 resource route the MES uses`)];
}

module.exports = {
  SAP_CONFIRMATION, SAP_PRODUCTION_ORDER, ERPNEXT,
  odataEntityProblems, sapRequestProblems, frappeDocProblems, erpnextRequestProblems,
};
