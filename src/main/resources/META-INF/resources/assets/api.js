// The caption editor's talk with its API (/api, see /q/openapi): requests, refusals, messages, polling.
'use strict';

const POLL_MS = 500;
const $ = (id) => document.getElementById(id);
const STATE_WORDS = { submitted: 'waiting for a worker', queued: 'queued', running: 'running', succeeded: 'done', failed: 'failed' };

/** A refusal of the API, with its code and message ({"code","message"}). */
class Refusal extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

async function api(method, path, body, contentType) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.body = contentType ? body : JSON.stringify(body);
    init.headers['Content-Type'] = contentType || 'application/json';
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new Refusal(0, 'NETWORK', 'the editor does not answer (' + e.message + ')');
  }
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) {
    throw new Refusal(response.status, json && json.code || 'HTTP_' + response.status,
      json && json.message || response.statusText);
  }
  return json;
}

function say(text, kind) {
  const box = $('message');
  box.textContent = text;
  box.className = 'message ' + (kind || 'error');
  box.hidden = !text;
}

function refused(what, e) {
  say(e instanceof Refusal ? what + ': ' + e.message + ' [' + e.code + ']' : what + ': ' + e.message);
}

function showProgress(prefix, status) {
  const bar = $(prefix + '-progress');
  bar.hidden = false;
  bar.value = Math.round(100 * status.progress);
  const phase = status.phase ? ' · ' + status.phase : '';
  $(prefix + '-label').textContent = (STATE_WORDS[status.state] || status.state) + phase + ' · ' + bar.value + ' %';
}

/**
 * Follows a job (GET path every POLL_MS) until it succeeds or fails, showing its progress under prefix; calls
 * done(view) or failed(error) once, lost(refusal) when the API refuses it (a passing outage is retried).
 * Returns a function that stops it.
 */
function poll(path, prefix, done, failed, lost) {
  let timer = null;
  let retrying = false;
  const stop = () => clearInterval(timer);
  const tick = async () => {
    let view;
    try {
      view = await api('GET', path);
    } catch (e) {
      // an editor or S3 that is away for a while (network error, 5xx) is waited out, as the workers wait out
      // outages; a refusal of the job itself (4xx: unknown id) ends the following
      if (e instanceof Refusal && (e.status === 0 || e.status >= 500)) {
        say('The editor cannot read the job just now (' + e.message + '); still trying.', 'info');
        retrying = true;
        return;
      }
      stop();
      lost(e);
      return;
    }
    if (retrying) { retrying = false; say(''); }
    showProgress(prefix, view.status);
    if (view.status.state === 'failed') { stop(); failed(view.status.error, view); }
    if (view.status.state === 'succeeded') { stop(); done(view); }
  };
  timer = setInterval(tick, POLL_MS);
  tick();
  return stop;
}
