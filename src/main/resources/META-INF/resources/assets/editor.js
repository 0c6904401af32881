// The caption editor's page: plain JavaScript over the /api endpoints (api.js). No framework, no CDN.
'use strict';

const state = { modelCaptions: false, upload: null, inversionId: null, caption: null, words: new Map(), stopInversion: () => {}, stopEdit: () => {} };

// ---- 1. the photo ----

async function upload(blob, label) {
  say('');
  if (!blob.type || !blob.type.startsWith('image/')) {
    say('“' + label + '” is not an image file; choose a PNG, JPEG, BMP or GIF.');
    return;
  }
  $('upload-status').textContent = 'Uploading ' + label + ' …';
  $('invert').disabled = true;
  try {
    state.upload = await api('POST', 'api/uploads', blob, blob.type);
    $('upload-status').textContent = 'Uploaded ' + label + '.';
    $('input-image').src = URL.createObjectURL(blob);
    $('invert').disabled = false;
  } catch (e) {
    state.upload = null;
    $('upload-status').textContent = '';
    refused('The photo was refused', e);
  }
}

async function loadSamples() {
  let samples;
  try {
    samples = await (await fetch('assets/samples/samples.json')).json();
  } catch (e) {
    return; // the samples are a convenience; uploads work without them
  }
  for (const sample of samples) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'sample';
    const img = document.createElement('img');
    img.src = 'assets/samples/' + sample.file;
    img.alt = '';
    const text = document.createElement('span');
    text.textContent = sample.caption;
    button.append(img, text);
    button.addEventListener('click', async () => {
      const blob = await (await fetch('assets/samples/' + sample.file)).blob();
      $('caption').value = sample.caption;
      await upload(blob, 'the scene “' + sample.caption + '”');
    });
    $('samples').append(button);
  }
}

/** Whether an empty caption is left to the workers' captioning model: the field then says so. */
async function loadSettings() {
  try {
    const settings = await api('GET', 'api/settings');
    state.modelCaptions = settings.modelCaptions === true;
    state.inversion = settings.inversion || null;
  } catch (e) {
    state.modelCaptions = false; // the safe reading: ask for a caption
    state.inversion = null;
  }
  if (state.inversion) $('method').value = state.inversion.defaultMethod;
  showMethodCost();
  if (state.modelCaptions) {
    $('caption-label').textContent = 'Describe the photo in words, or leave it empty: a captioning model writes the caption, and you edit it below';
  }
}

// ---- 2. inversion ----

/**
 * The chosen method's cost beside it, in UNet evaluations at the steps entered (or the workers' defaults), and how
 * many times the cheapest method's that is: the same count the workers' budget check makes (api/settings).
 */
function showMethodCost() {
  const out = $('method-cost');
  const inv = state.inversion;
  if (!inv) { out.textContent = ''; return; }
  const steps = $('steps').value ? Number($('steps').value) : inv.defaultSteps;
  const inner = $('inner-steps').value ? Number($('inner-steps').value) : inv.defaultInnerSteps;
  const cost = (m) => steps * (m.perStep + m.perInnerStep * inner);
  const chosen = inv.methods.find(m => m.method === $('method').value);
  if (!chosen) { out.textContent = ''; return; }
  const cheapest = Math.min(...inv.methods.map(cost));
  const passes = cost(chosen);
  let text = '≈ ' + passes.toLocaleString('en') + ' UNet passes';
  if (cheapest > 0 && passes > cheapest) text += ' (' + (passes / cheapest).toFixed(1) + '× the cheapest)';
  if (passes > inv.maxUnetEvaluations) text += ' — over the workers’ limit of ' + inv.maxUnetEvaluations.toLocaleString('en');
  out.textContent = text;
}

async function invert() {
  const caption = $('caption').value.trim();
  if (!state.upload) { say('Choose a photo or a sample scene first.'); return; }
  if (!caption && !state.modelCaptions) { say('Type the photo’s caption first: the inversion needs the words that describe it.'); $('caption').focus(); return; }
  const options = {};
  if ($('steps').value) options.steps = Number($('steps').value);
  if ($('inner-steps').value) options.innerSteps = Number($('inner-steps').value);
  options.method = $('method').value;
  say('');
  try {
    // an empty caption is left to the workers' captioning model (the page offers it only when the editor says so)
    const request = caption ? { image: state.upload, caption, options } : { image: state.upload, options };
    const accepted = await api('POST', 'api/inversions', request);
    location.hash = 'inversion=' + encodeURIComponent(accepted.inversionId);
    follow(accepted.inversionId);
  } catch (e) {
    refused('The inversion was refused', e);
  }
}

function follow(inversionId) {
  state.stopInversion();
  state.inversionId = inversionId;
  $('invert').disabled = true;
  const settle = () => { $('invert').disabled = !state.upload; };
  state.stopInversion = poll('api/inversions/' + encodeURIComponent(inversionId), 'invert',
    (view) => { settle(); inverted(view); },
    (error) => { settle(); say('The inversion failed: ' + error.message + ' [' + error.code + ']'); },
    (e) => { settle(); refused('The inversion cannot be shown', e); });
}

function inverted(view) {
  $('result-section').hidden = false;
  const input = $('input-image');
  if (view.inputUrl) input.src = view.inputUrl;
  // an inversion requested elsewhere (straight to Kafka) has no photo here: show what there is
  input.closest('figure').hidden = !input.getAttribute('src');
  $('reconstruction').src = view.reconstructionUrl;
  const psnr = view.result && view.result.psnr;
  $('psnr').textContent = typeof psnr === 'number' ? psnr.toFixed(2) : '–';
  state.caption = view.caption || '';
  if (!$('caption').value) $('caption').value = state.caption;
  if (view.result && view.result.captionSource === 'model') {
    say('The captioning model described the photo as “' + state.caption + '”: edit that caption below.', 'info');
  }
  $('editor-section').hidden = false;
  $('history-section').hidden = false;
  restore({ caption: state.caption, emphasis: {}, localBlend: [], localBlendExcept: [] });
  loadHistory();
}

// ---- 3. the caption editor ----

const normal = (word) => word.toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');

/** One control group per distinct word of the edited caption; a word keeps its settings while it stays. */
function renderWords() {
  const seen = new Set();
  const container = $('words');
  container.replaceChildren();
  const words = $('edited-caption').value.split(/\s+/).map(normal).filter((w) => w && !seen.has(w) && seen.add(w));
  for (const [word] of state.words) if (!seen.has(word)) state.words.delete(word);
  words.forEach((word, i) => {
    const setting = state.words.get(word) || { emphasis: 1, keep: false, except: false };
    state.words.set(word, setting);
    const group = document.createElement('div');
    group.className = 'word';
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', 'settings of “' + word + '”');
    const token = document.createElement('span');
    token.className = 'token';
    token.textContent = word;
    const label = document.createElement('label');
    label.htmlFor = 'emphasis-' + i;
    label.textContent = 'emphasis of “' + word + '”';
    const slider = Object.assign(document.createElement('input'),
      // below 0 the word's attention is subtracted (Prompt-to-Prompt's reweighting takes −2…2)
      { type: 'range', id: 'emphasis-' + i, min: -2, max: 3, step: 0.1, value: setting.emphasis });
    slider.dataset.word = word;
    const shown = Object.assign(document.createElement('output'), { htmlFor: 'emphasis-' + i });
    const keepRow = document.createElement('div');
    keepRow.className = 'keep';
    const keep = Object.assign(document.createElement('input'), { type: 'checkbox', id: 'keep-' + i, checked: setting.keep });
    keep.dataset.word = word;
    keep.dataset.blend = 'keep';
    const keepLabel = Object.assign(document.createElement('label'), { htmlFor: 'keep-' + i, textContent: 'keep the rest' });
    // LocalBlend's subtracted words: within the region the "keep the rest" words allow to change, this one's stays
    const except = Object.assign(document.createElement('input'), { type: 'checkbox', id: 'except-' + i, checked: setting.except });
    except.dataset.word = word;
    except.dataset.blend = 'except';
    const exceptLabel = Object.assign(document.createElement('label'), { htmlFor: 'except-' + i, textContent: 'keep this as it is' });
    const update = () => {
      setting.emphasis = Number(slider.value);
      setting.keep = keep.checked;
      setting.except = except.checked;
      shown.textContent = setting.emphasis.toFixed(1) + '×';
      group.classList.toggle('changed', setting.emphasis !== 1 || setting.keep || setting.except);
    };
    slider.addEventListener('input', update);
    keep.addEventListener('change', update);
    except.addEventListener('change', update);
    update();
    keepRow.append(keep, keepLabel, except, exceptLabel);
    group.append(token, label, slider, shown, keepRow);
    container.append(group);
  });
}

function percent(id) {
  $(id + '-value').textContent = Math.round(100 * Number($(id).value)) + ' %';
}

/** Puts an edit's caption and settings back into the editor (a history entry, or the photo's own caption). */
function restore(edit) {
  $('edited-caption').value = edit.caption || '';
  state.words = new Map();
  const emphasis = edit.emphasis || {};
  const blend = new Set((edit.localBlend || []).map(normal));
  const except = new Set((edit.localBlendExcept || []).map(normal));
  for (const word of $('edited-caption').value.split(/\s+/).map(normal).filter(Boolean)) {
    const factor = emphasis[word] !== undefined ? emphasis[word] : 1;
    state.words.set(word, { emphasis: factor, keep: blend.has(word), except: except.has(word) });
  }
  if (typeof edit.crossReplaceSteps === 'number') $('cross-replace').value = edit.crossReplaceSteps;
  if (typeof edit.selfReplaceSteps === 'number') $('self-replace').value = edit.selfReplaceSteps;
  percent('cross-replace');
  percent('self-replace');
  renderWords();
}

async function render() {
  const caption = $('edited-caption').value.trim();
  if (!caption) { say('Type the edited caption first.'); $('edited-caption').focus(); return; }
  const emphasis = {};
  const localBlend = [];
  const localBlendExcept = [];
  for (const [word, s] of state.words) {
    if (s.emphasis !== 1) emphasis[word] = s.emphasis;
    if (s.keep) localBlend.push(word);
    if (s.except) localBlendExcept.push(word);
  }
  say('');
  $('render').disabled = true;
  try {
    const accepted = await api('POST', 'api/edits', {
      inversionId: state.inversionId, caption, emphasis, localBlend, localBlendExcept,
      crossReplaceSteps: Number($('cross-replace').value), selfReplaceSteps: Number($('self-replace').value),
    });
    followEdit(accepted.editId);
    loadHistory();
  } catch (e) {
    $('render').disabled = false;
    refused('The edit was refused', e);
  }
}

function followEdit(editId) {
  state.stopEdit();
  const settle = () => { $('render').disabled = false; loadHistory(); };
  state.stopEdit = poll('api/edits/' + encodeURIComponent(editId), 'edit',
    (view) => { settle(); showEdit(view); },
    (error) => { settle(); say('The edit failed: ' + error.message + ' [' + error.code + ']'); },
    (e) => { $('render').disabled = false; refused('The edit cannot be shown', e); });
}

function showEdit(view) {
  $('edit-figure').hidden = false;
  $('edit-image').src = view.imageUrl;
  $('edit-caption').textContent = 'edit: “' + view.caption + '”';
}

// ---- history ----

function summary(edit) {
  const parts = Object.entries(edit.emphasis || {}).map(([w, f]) => w + ' ×' + Number(f).toFixed(1));
  if ((edit.localBlend || []).length) parts.push('keep the rest around ' + edit.localBlend.join(', '));
  if ((edit.localBlendExcept || []).length) parts.push('keep ' + edit.localBlendExcept.join(', ') + ' as it is');
  parts.push('cross ' + Math.round(100 * edit.crossReplaceSteps) + ' %, self ' + Math.round(100 * edit.selfReplaceSteps) + ' %');
  return parts.join(' · ') + ' · ' + (STATE_WORDS[edit.status.state] || edit.status.state);
}

async function loadHistory() {
  if (!state.inversionId) return;
  let history;
  try {
    history = await api('GET', 'api/inversions/' + encodeURIComponent(state.inversionId) + '/edits');
  } catch (e) {
    refused('The history cannot be shown', e);
    return;
  }
  const list = $('history-list');
  list.replaceChildren();
  for (const edit of history.edits) {
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    const img = document.createElement('img');
    img.alt = '';
    if (edit.imageUrl) img.src = edit.imageUrl;
    const text = document.createElement('span');
    const what = Object.assign(document.createElement('span'), { className: 'what', textContent: edit.caption });
    const how = Object.assign(document.createElement('span'), { className: 'settings-summary', textContent: summary(edit) });
    text.append(what, how);
    button.append(img, text);
    button.addEventListener('click', () => {
      restore(edit);
      if (edit.imageUrl) showEdit(edit);
      say('Restored the settings of “' + edit.caption + '”.', 'info');
    });
    item.append(button);
    list.append(item);
  }
}

// ---- wiring ----

function wire() {
  $('photo-file').addEventListener('change', (e) => {
    const file = e.target.files[0];
    if (file) upload(file, file.name);
  });
  const zone = $('drop-zone');
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('dragging'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('dragging');
    const file = e.dataTransfer.files[0];
    if (file) upload(file, file.name);
  });
  $('invert').addEventListener('click', invert);
  // a select reports a choice as 'change'; the number fields report each keystroke as 'input'
  $('method').addEventListener('change', showMethodCost);
  for (const id of ['steps', 'inner-steps']) $(id).addEventListener('input', showMethodCost);
  $('render').addEventListener('click', render);
  $('edited-caption').addEventListener('input', renderWords);
  $('cross-replace').addEventListener('input', () => percent('cross-replace'));
  $('self-replace').addEventListener('input', () => percent('self-replace'));
  loadSamples();
  loadSettings();
  const match = /^#inversion=([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (match) follow(match[1]);
}

wire();
