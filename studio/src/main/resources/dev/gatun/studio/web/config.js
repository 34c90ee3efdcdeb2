// The config the page builds from its inputs and the builder, and the way back: an imported
// (or a run's) config sets the inputs and the layers.
const SYNTHETIC = ['xor', 'spirals', 'moons', 'circles', 'blobs', 'linear', 'polynomial'];
const REGRESSION_KINDS = ['linear', 'polynomial'];
const RECURRENT = ['rnn', 'lstm', 'gru'];

const $ = (id) => document.getElementById(id);

/**
 * The pre-trained model the page starts from ({name, from: 'pretrained/NAME', data: its config's
 * data section}), or null for the seed's weights.
 */
let pretrained = null;

export function setPretrained(model) {
  pretrained = model;
}

export function currentPretrained() {
  return pretrained;
}

/** The model's own data section while the page's data set is the model's, else the page's with the model's preprocessing. */
function pretrainedData(data) {
  const own = pretrained.data || {};
  const same = own.source === data.source && (own.source !== 'synthetic' || own.kind === data.kind);
  if (same) {
    return structuredClone(own);
  }
  return Array.isArray(own.preprocessing) && own.preprocessing.length > 0
    ? {...data, preprocessing: own.preprocessing} : data;
}

/** What each #dataset option stands for: {source, kind?, path?, task}. */
export const datasets = new Map();

/** Fills #dataset from the state's datasets and uploads, keeping the selection where it still exists. */
export function setDatasets(list, uploads) {
  const select = $('dataset');
  const selected = select.value;
  datasets.clear();
  const options = [];
  const add = (value, text, info) => {
    if (datasets.has(value)) {
      return;
    }
    datasets.set(value, info);
    const option = document.createElement('option');
    option.value = value;
    option.textContent = text;
    options.push(option);
  };
  for (const d of list || []) {
    const name = String(d.name ?? '');
    const kind = String(d.kind ?? '');
    const task = d.task === 'regression' ? 'regression' : 'classification';
    if (kind === 'csv' || name.endsWith('.csv')) {
      const path = uploadPath(d.path ?? d.file ?? name);
      add('upload:' + path, path, {source: 'csv', path, task, columns: d.columns});
    } else if (kind === 'fashion-mnist' || name.startsWith('fashion')) {
      add(name, name, {source: 'fashion-mnist', task: 'classification'});
    } else {
      const synthetic = SYNTHETIC.includes(kind) ? kind : name;
      add(name, name, {source: 'synthetic', kind: synthetic,
        task: REGRESSION_KINDS.includes(synthetic) ? 'regression' : task});
    }
  }
  for (const u of uploads || []) {
    const path = uploadPath(u.file);
    const value = 'upload:' + path;
    if (datasets.has(value)) {
      datasets.get(value).columns = u.columns;
    } else {
      add(value, path, {source: 'csv', path, task: 'classification', columns: u.columns, rows: u.rows});
    }
  }
  select.replaceChildren(...options);
  if (datasets.has(selected)) {
    select.value = selected;
  } else if (datasets.has('spirals')) {
    select.value = 'spirals';
  }
}

/** Adds (or updates) an upload's option; returns its value. */
export function addUpload(file, columns, rows) {
  const path = uploadPath(file);
  const value = 'upload:' + path;
  const known = datasets.get(value);
  if (known) {
    known.columns = columns ?? known.columns;
    return value;
  }
  datasets.set(value, {source: 'csv', path, task: 'classification', columns, rows});
  const option = document.createElement('option');
  option.value = value;
  option.textContent = path;
  $('dataset').append(option);
  return value;
}

function uploadPath(file) {
  const name = String(file ?? '');
  return name.startsWith('uploads/') ? name : 'uploads/' + name;
}

export function currentDataset() {
  return datasets.get($('dataset').value) || {source: 'synthetic', kind: 'spirals', task: 'classification'};
}

/** The column names of an upload: a list as sent, or col0.. when only a count came. */
export function columnNames(info) {
  const columns = info.columns;
  if (Array.isArray(columns)) {
    return columns.map(String);
  }
  const n = Number(columns) || 0;
  return Array.from({length: n}, (_, i) => 'col' + i);
}

export function isRegression(info = currentDataset()) {
  if (info.source === 'csv') {
    return $('label-kind').value === 'regression';
  }
  return info.task === 'regression';
}

function number(id, fallback) {
  const v = Number($(id).value);
  return $(id).value.trim() !== '' && Number.isFinite(v) ? v : fallback;
}

/** The default layers for a data set: a small CNN for images, a tanh MLP for points. */
export function defaultLayers(info) {
  if (info.source === 'fashion-mnist') {
    return [{type: 'conv2d', filters: 8, kernel: 3, padding: 1}, {type: 'relu'},
      {type: 'maxpool2d', kernel: 2}, {type: 'flatten'}, {type: 'dense', units: 10}];
  }
  const outputs = isRegression(info) ? 1 : info.kind === 'blobs' ? 3 : 2;
  return [{type: 'dense', units: 8}, {type: 'tanh'}, {type: 'dense', units: 8}, {type: 'tanh'},
    {type: 'dense', units: outputs}];
}

export function pageConfig(layers) {
  const info = currentDataset();
  let data;
  if (info.source === 'fashion-mnist') {
    data = {source: 'fashion-mnist', limit: 2000, validation: 0.2};
  } else if (info.source === 'csv') {
    data = {source: 'csv', path: info.path, label: $('label-column').value, validation: 0.2};
    if ($('label-kind').value !== 'names') {
      data.labels = $('label-kind').value;
    }
  } else {
    data = {source: 'synthetic', kind: info.kind, n: number('samples', 1000), noise: number('noise', 0.02),
      validation: 0.2};
  }
  if (pretrained) {
    data = pretrainedData(data);
  }
  const model = {layers: layers.map((l) => ({...l}))};
  if (pretrained && pretrained.input && info.source === 'fashion-mnist') {
    model.input = pretrained.input;
  } else if (info.source === 'fashion-mnist') {
    // A recurrent first layer reads each image as 28 steps of its 28-pixel rows.
    model.input = RECURRENT.includes(layers[0] && layers[0].type) ? [28, 28] : [1, 28, 28];
  }
  const type = $('optimizer').value;
  const lr = number('lr', 0.03);
  const optimizer = type === 'momentum' ? {type: 'sgd', lr, momentum: 0.9} : {type, lr};
  const config = {
    name: 'playground',
    seed: number('seed', 7),
    data,
    model,
    loss: isRegression(info) ? 'mse' : 'cross_entropy',
    optimizer,
    regularization: {l1: number('l1', 0), l2: number('l2', 0)},
    training: {epochs: number('epochs', 200), batch: number('batch', 32)},
  };
  if (pretrained) {
    config.init = {from: pretrained.from};
    if ($('fresh-head').checked) {
      config.init.fresh = ['last'];
    }
  }
  return config;
}

/** The part of a config that a new run needs; optimizer, regularization and batch change live. */
export function structureKey(config) {
  const {optimizer, regularization, training, ...rest} = config;
  return JSON.stringify({...rest, epochs: training ? training.epochs : undefined});
}

function setIfNumber(id, value) {
  if (value !== undefined && value !== null && Number.isFinite(Number(value))) {
    $(id).value = String(value);
  }
}

/** Sets the inputs from a config; returns its layers (the builder's defaults if it has none). */
export function applyConfig(config) {
  const data = config.data || {};
  const select = $('dataset');
  if (data.source === 'synthetic' && datasets.has(data.kind)) {
    select.value = data.kind;
    setIfNumber('samples', data.n);
    setIfNumber('noise', data.noise);
  } else if (data.source === 'fashion-mnist') {
    const value = [...datasets.entries()].find(([, info]) => info.source === 'fashion-mnist');
    if (value) {
      select.value = value[0];
    }
  } else if (data.source === 'csv' && data.path) {
    select.value = addUpload(String(data.path).split('/').pop());
    $('label-kind').value = ['ids', 'regression'].includes(data.labels) ? data.labels : 'names';
    showDataInputs(String(data.label ?? ''));
  }
  showDataInputs();
  setIfNumber('seed', config.seed);
  const training = config.training || {};
  setIfNumber('epochs', training.epochs);
  setIfNumber('batch', training.batch);
  const optimizer = config.optimizer || {};
  if (optimizer.type) {
    const type = optimizer.type === 'sgd' && Number(optimizer.momentum) > 0 ? 'momentum' : optimizer.type;
    if ([...$('optimizer').options].some((o) => o.value === type)) {
      $('optimizer').value = type;
    }
  }
  setIfNumber('lr', optimizer.lr);
  const regularization = config.regularization || {};
  setIfNumber('l1', regularization.l1 ?? 0);
  setIfNumber('l2', regularization.l2 ?? 0);
  const layers = config.model && Array.isArray(config.model.layers) ? config.model.layers : [];
  return layers.length > 0 ? layers : defaultLayers(currentDataset());
}

/** Shows the synthetic inputs or the upload's label column; label picks the column (default the last). */
export function showDataInputs(label) {
  const info = currentDataset();
  for (const el of document.querySelectorAll('.synthetic-only')) {
    el.hidden = info.source !== 'synthetic';
  }
  for (const el of document.querySelectorAll('.upload-only')) {
    el.hidden = info.source !== 'csv';
  }
  if (info.source !== 'csv') {
    return;
  }
  const select = $('label-column');
  const previous = label ?? select.value;
  const names = columnNames(info);
  if (previous && !names.includes(previous)) {
    names.push(previous);
  }
  select.replaceChildren(...names.map((name) => {
    const option = document.createElement('option');
    option.value = name;
    option.textContent = name;
    return option;
  }));
  if (previous && names.includes(previous)) {
    select.value = previous;
  } else if (names.length > 0) {
    select.value = names[names.length - 1];
  }
}
