// The JSON API of the Studio server (docs/studio-protocol.md). Every call resolves to
// {ok, status, body}; an answer that is not JSON becomes {error: its text} so callers can
// always show body.error.

async function request(method, path, body, contentType) {
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? {} : {'Content-Type': contentType},
      body,
      credentials: 'same-origin',
    });
  } catch (e) {
    return {ok: false, status: 0, body: {error: 'the server cannot be reached: ' + e.message}};
  }
  const text = await response.text();
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = {error: text.trim() || response.statusText};
  }
  if (!response.ok && (parsed === null || typeof parsed !== 'object' || !parsed.error)) {
    parsed = {error: 'HTTP ' + response.status};
  }
  return {ok: response.ok, status: response.status, body: parsed};
}

export function getJson(path) {
  return request('GET', path);
}

export function postJson(path, value) {
  return request('POST', path, JSON.stringify(value), 'application/json');
}

export function postFile(path, file) {
  return request('POST', path, file, 'text/csv');
}

export function runPath(run, tail) {
  return '/api/runs/' + encodeURIComponent(run) + '/' + tail;
}
