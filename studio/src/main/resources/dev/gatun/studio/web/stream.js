// The one event stream. EventSource reconnects by itself and sends Last-Event-ID; when it gives
// up (readyState CLOSED, e.g. after a 403 or a server restart) a new one is opened with
// ?lastEventId= so that nothing is applied twice.

export const EVENT_TYPES = ['run', 'status', 'batch', 'epoch', 'marker', 'data', 'boundary', 'fit',
  'weights', 'histograms', 'confusion', 'flow', 'network', 'race', 'error'];

export function openStream(url, onEvent, onConnection) {
  let lastId = 0;
  let retryMs = 1000;

  function deliver(type, message) {
    const id = Number(message.lastEventId);
    if (Number.isFinite(id) && id > 0) {
      if (id <= lastId) {
        return;
      }
      lastId = id;
    }
    let data;
    try {
      data = JSON.parse(message.data);
    } catch {
      return;
    }
    try {
      onEvent(type, data, id);
    } catch (e) {
      console.warn('event ' + type + ' not applied:', e);
    }
  }

  function open() {
    const source = new EventSource(lastId > 0 ? url + '?lastEventId=' + lastId : url);
    for (const type of EVENT_TYPES) {
      source.addEventListener(type, (message) => deliver(type, message));
    }
    source.addEventListener('open', () => {
      retryMs = 1000;
      onConnection('connected');
    });
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED) {
        onConnection('disconnected');
        setTimeout(open, retryMs);
        retryMs = Math.min(retryMs * 2, 15000);
      } else {
        onConnection('reconnecting');
      }
    });
  }

  onConnection('connecting');
  open();
}
