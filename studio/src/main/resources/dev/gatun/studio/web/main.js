// Starts the page: the state, the builder, the controls and the event stream, and routes each
// event to the playground's views or to a live run's card.
import {getJson, postFile, postJson} from './api.js';
import {openStream} from './stream.js';
import {Builder, LAYER_TYPES} from './builder.js';
import {Playground} from './playground.js';
import {LiveRuns} from './live.js';
import {TrackedRuns} from './tracked.js';
import {RaceView} from './race.js';
import {PretrainedPanel} from './pretrained.js';
import {ActivationsView} from './activations.js';
import {Controls} from './controls.js';
import {BackpropView} from './backprop.js';
import {ViewClaim} from './network.js';
import {addUpload, applyConfig, currentDataset, defaultLayers, isRegression, pageConfig, setDatasets,
  showDataInputs} from './config.js';

const $ = (id) => document.getElementById(id);
const FALLBACK_DATASETS = ['xor', 'spirals', 'moons', 'circles', 'blobs', 'linear', 'polynomial']
  .map((name) => ({name, kind: name, task: ['linear', 'polynomial'].includes(name) ? 'regression' : 'classification'}));

const playground = new Playground();
const activations = new ActivationsView($('tooltip'));
const live = new LiveRuns($('runs'));
new TrackedRuns($('tracked-panel'), $('tracked-table'), $('tracked-info'), $('tracked-refresh'));
const builder = new Builder($('layers'), configChanged);
const controls = new Controls(builder, playground, (error) => showConfigError(error, false), configChanged);
const race = new RaceView(() => pageConfig(builder.layers));
const pretrained = new PretrainedPanel(controls, race, (config) => {
  builder.setLayers(applyConfig(config));
  configChanged();
}, configChanged);
playground.backprop = new BackpropView(playground, () => controls.ensureRun());
// The network view is computed by the server only while a page has it open.
const networkClaim = new ViewClaim('network', () => $('network-panel').open);
$('network-panel').addEventListener('toggle', () => networkClaim.update());

let checkTimer = 0;
let checkSequence = 0;

function configChanged() {
  $('play').classList.toggle('stale', controls.isStale());
  $('play').title = controls.isStale() ? 'the config changed: Play builds a new run' : '';
  clearTimeout(checkTimer);
  checkTimer = setTimeout(check, 300);
}

/** A 400 of the check: on its layer when it names one the builder shows, else in #config-error. */
function showConfigError(error, importing) {
  builder.clearErrors();
  const message = error.path ? `${error.path}: ${error.error}` : String(error.error);
  const onLayer = !importing && error.layer !== undefined && error.layer !== null
    && builder.showLayerError(error.layer, String(error.error));
  $('config-error').textContent = onLayer ? '' : message;
}

async function check() {
  const sequence = ++checkSequence;
  const answer = await postJson('/api/config/check', {config: pageConfig(builder.layers)});
  if (sequence !== checkSequence) {
    return null;
  }
  if (!answer.ok) {
    showConfigError(answer.body, false);
    return null;
  }
  builder.clearErrors();
  $('config-error').textContent = '';
  builder.showShapes(answer.body.layers);
  $('parameters').textContent = answer.body.parameters === undefined ? ''
    : `${Number(answer.body.parameters).toLocaleString('en')} parameters`;
  return answer.body;
}

function rebuild(config) {
  builder.setLayers(applyConfig(config));
  controls.markBuilt();
  configChanged();
}

function datasetChanged(previous) {
  const info = currentDataset();
  $('upload-error').textContent = '';
  showDataInputs('');
  const images = (i) => i.source === 'fashion-mnist';
  if (images(info) !== images(previous) || isRegression(info) !== isRegression(previous)) {
    builder.setLayers(defaultLayers(info));
  } else if (info.source === 'synthetic') {
    const last = builder.layers[builder.layers.length - 1];
    if (last && last.type === 'dense') {
      last.units = defaultLayers(info).at(-1).units;
      builder.render();
    }
  }
  configChanged();
}

async function upload() {
  const input = $('upload');
  const file = input.files && input.files[0];
  if (!file) {
    return;
  }
  $('upload-error').textContent = '';
  const answer = await postFile('/api/upload?name=' + encodeURIComponent(file.name), file);
  input.value = '';
  if (!answer.ok) {
    $('upload-error').textContent = answer.body.error;
    return;
  }
  const previous = currentDataset();
  $('dataset').value = addUpload(answer.body.file, answer.body.columns, answer.body.rows);
  datasetChanged(previous);
}

function route(type, data) {
  if (type === 'race') {
    race.handle(type, data);
  } else if (type === 'run') {
    if (data.kind === 'live') {
      live.handle(type, data);
    } else if (data.kind === 'race') {
      race.handle(type, data);
    } else {
      playground.handle(type, data);
      activations.handle(type, data);
      configChanged();
    }
  } else if (live.has(data.run)) {
    live.handle(type, data);
  } else if (race.has(data.run)) {
    race.handle(type, data);
  } else if (data.run === playground.run) {
    playground.handle(type, data);
    activations.handle(type, data);
  }
}

function showConnection(state) {
  const el = $('connection');
  el.dataset.state = state;
  el.textContent = state;
}

function wire() {
  for (const type of LAYER_TYPES) {
    const option = document.createElement('option');
    option.value = type;
    option.textContent = type;
    $('add-layer-type').append(option);
  }
  $('add-layer').addEventListener('click', () => builder.add($('add-layer-type').value));
  let previous = currentDataset();
  $('dataset').addEventListener('focus', () => {
    previous = currentDataset();
  });
  $('dataset').addEventListener('change', () => {
    datasetChanged(previous);
    previous = currentDataset();
  });
  $('label-kind').addEventListener('change', () => datasetChanged({...currentDataset(), task: 'changed'}));
  for (const id of ['samples', 'noise', 'seed', 'epochs', 'label-column', 'lr', 'optimizer', 'batch', 'l1', 'l2']) {
    $(id).addEventListener('change', configChanged);
  }
  $('upload').addEventListener('change', upload);
  $('curve-part').addEventListener('change', () => playground.showPart($('curve-part').value));
  $('export-yaml').addEventListener('click', async () => {
    clearTimeout(checkTimer);
    const answer = await check();
    if (answer) {
      $('yaml').value = answer.yaml ?? '';
    }
  });
  $('import-yaml').addEventListener('click', async () => {
    const answer = await postJson('/api/config/check', {yaml: $('yaml').value});
    if (!answer.ok) {
      showConfigError(answer.body, true);
      return;
    }
    builder.setLayers(applyConfig(answer.body.config || {}));
    configChanged();
  });
}

/** The setup in the URL's #setup= (base64url of the config's JSON), or null. */
function sharedSetup() {
  const match = /^#setup=([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (!match) {
    return null;
  }
  try {
    const base64 = match[1].replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    $('config-error').textContent = 'the link\'s setup cannot be read: ' + e.message;
    return null;
  }
}

/** A link to this page whose #setup= holds the whole config: data, seed, layers and hyperparameters. */
function shareLink() {
  const bytes = new TextEncoder().encode(JSON.stringify(pageConfig(builder.layers)));
  let binary = '';
  for (const b of bytes) {
    binary += String.fromCharCode(b);
  }
  const code = btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return `${location.origin}/#setup=${code}`;
}

async function start() {
  wire();
  $('share').addEventListener('click', () => {
    $('share-link').value = shareLink();
  });
  const shared = sharedSetup();
  const state = await getJson('/api/state');
  if (!state.ok) {
    $('config-error').textContent = 'state: ' + state.body.error;
  }
  const body = state.ok ? state.body : {};
  setDatasets(body.datasets && body.datasets.length ? body.datasets : FALLBACK_DATASETS, body.uploads);
  pretrained.setModels(body.pretrained);
  const runs = body.runs || [];
  for (const run of runs.filter((r) => r.kind === 'live')) {
    live.adopt(run);
  }
  if (body.race) {
    race.adopt(body.race);
  }
  const current = runs.filter((r) => r.kind === 'playground').at(-1);
  if (current) {
    playground.adopt(current);
    activations.adopt(current);
    pretrained.adoptConfig(current.config || {});
    rebuild(current.config || {});
  } else {
    showDataInputs('');
    builder.setLayers(defaultLayers(currentDataset()));
  }
  if (shared) {
    // A shared setup replaces what the page found: its run is built from it, with its seed.
    pretrained.adoptConfig(shared);
    builder.setLayers(applyConfig(shared));
  }
  if (location.hash === '#live-runs') {
    // `gatun train --live` prints the page's address with this fragment: its run's card is here.
    $('live-runs').scrollIntoView();
  }
  openStream('/api/events', route, showConnection);
  networkClaim.update();
  if (shared) {
    // A run of its own, from the start, even when the page found one of the same setup.
    await controls.build();
  } else if (!current) {
    await controls.ensureRun();
  }
  configChanged();
}

start();
