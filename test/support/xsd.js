// XSD validation of the B2MML documents against the schemas vendored in schemas/b2mml/, through
// libxml2 compiled to WebAssembly (xmllint-wasm): no system xmllint is needed. The B2MML schemas
// include each other, so every one of them is put into xmllint's in-memory file system.
const fs = require('node:fs');
const path = require('node:path');
const { validateXML } = require('xmllint-wasm');

const B2MML_DIR = path.join(__dirname, '..', '..', 'schemas', 'b2mml');

let schemaFiles;
function b2mmlSchemas() {
  schemaFiles ??= fs.readdirSync(B2MML_DIR).filter((name) => name.endsWith('.xsd'))
    .map((fileName) => ({ fileName, contents: fs.readFileSync(path.join(B2MML_DIR, fileName), 'utf8') }));
  return schemaFiles;
}

/**
 * Validates `xml` against one of the vendored B2MML schemas (e.g. `B2MML-OperationsPerformance.xsd`).
 * @returns {Promise<{valid: boolean, errors: string[]}>}
 */
async function validateB2mml(xml, schemaName) {
  const schemas = b2mmlSchemas();
  const schema = schemas.find((s) => s.fileName === schemaName);
  if (!schema) throw new Error(`no schema ${schemaName} in ${B2MML_DIR}`);
  const result = await validateXML({
    xml: { fileName: 'document.xml', contents: xml },
    schema,
    preload: schemas.filter((s) => s !== schema),
  });
  // The schemas' own parser warnings (imports skipped as already loaded) are not about the document.
  return { valid: result.valid, errors: result.errors.map((e) => e.rawMessage).filter((m) => !m.includes('parser warning')) };
}

/** Rejects, listing xmllint's messages, unless `xml` is valid against the schema. */
async function assertValidB2mml(xml, schemaName) {
  const { valid, errors } = await validateB2mml(xml, schemaName);
  if (!valid) throw new Error(`not valid against ${schemaName}:\n${errors.join('\n')}`);
}

module.exports = { validateB2mml, assertValidB2mml };
