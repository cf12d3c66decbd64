// Does for an ErpOutbox what Node-RED's http request node does in a flow: sends the request
// message and hands msg.statusCode / msg.headers / msg.payload back, with the error code
// (ECONNREFUSED, …) as statusCode when the ERP cannot be reached.
function httpTransport(getOutbox) {
  return (request) => {
    const body = typeof request.payload === 'string' ? request.payload : JSON.stringify(request.payload);
    fetch(request.url, { method: request.method, headers: request.headers, body, signal: AbortSignal.timeout(request.requestTimeout) })
      .then(async (res) => ({ statusCode: res.status, headers: { ...Object.fromEntries(res.headers), 'set-cookie': res.headers.getSetCookie() }, payload: await res.text() }))
      .catch((err) => ({ statusCode: (err.cause && err.cause.code) || err.name, payload: `${err} : ${request.url}` }))
      .then((response) => getOutbox().handleResponse(request._mesOutbox, response));
  };
}

module.exports = { httpTransport };
