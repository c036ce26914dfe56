// The operations view: polls /v1/ops (with the search key) while its tab is open and shows the recent training runs
// with their steps and gate reasons, every version with its metrics and lineage, and the latest index events.
(() => {
  const $ = (id) => document.getElementById(id);
  let timer = null;

  function selectTab(ops) {
    $('tab-search').setAttribute('aria-selected', String(!ops));
    $('tab-ops').setAttribute('aria-selected', String(ops));
    $('search-view').hidden = ops;
    $('ops-view').hidden = !ops;
    clearTimeout(timer);
    if (ops) refresh();
  }
  $('tab-search').addEventListener('click', () => selectTab(false));
  $('tab-ops').addEventListener('click', () => selectTab(true));

  const el = (tag, text, cls) => {
    const e = document.createElement(tag);
    if (text != null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  };
  const badge = (text, cls) => el('span', text, 'badge ' + (cls || text));
  const pct = (v) => (v == null ? '–' : (100 * v).toFixed(1));
  const time = (t) => (t ? new Date(t).toLocaleTimeString() : '');
  const pairs = (m) => Object.entries(m || {}).sort().map(([d, n]) => `${d} ${n}`).join(', ');
  const metrics = (m) => Object.keys(m || {}).sort()
    .map((d) => `${d} ${pct(m[d].zero_shot)} / ${pct(m[d].r1_mean)}`).join(' · ');
  function row(cells) {
    const tr = document.createElement('tr');
    for (const c of cells) {
      const td = document.createElement('td');
      if (c instanceof Node) td.append(c); else td.textContent = c == null ? '' : String(c);
      tr.append(td);
    }
    return tr;
  }
  function list(items) {
    const ul = el('ul', null, 'reasons');
    for (const i of items || []) ul.append(el('li', i));
    return ul;
  }

  function runRow(r) {
    const e = r.latest;
    const state = document.createDocumentFragment();
    state.append(badge(e.state));
    if (e.state === 'PROGRESS' && e.progress) {
      state.append(` step ${e.progress.step}/${e.progress.totalSteps}, loss ${e.progress.loss.toFixed(3)},`
        + ` ${Math.round(e.progress.samplesPerSecond)} samples/s, eta ${Math.round(e.progress.etaSeconds)} s`);
    }
    if (e.version != null) state.append(` → v${e.version}`);
    if (e.error) state.append(el('div', e.error.split('\n')[0], 'error'));
    const steps = r.steps.map((s) => `${time(s.at)} ${s.state.toLowerCase()}`).join(' → ');
    const took = e.timings ? ` · ${(e.timings.materialiseSeconds + e.timings.trainSeconds + e.timings.evaluateSeconds
      + e.timings.publishSeconds).toFixed(1)} s` : '';
    return row([e.runId, `${e.trigger.toLowerCase()}${e.attempt > 1 ? ', attempt ' + e.attempt : ''}`, state, steps,
      pairs(e.pairsPerDomain), metrics(e.metrics), list(e.reasons), `${e.device || ''}${took}`]);
  }

  function versionRow(v, champion) {
    const head = document.createDocumentFragment();
    head.append(`v${v.version} `);
    if (v.version === champion) head.append(badge('champion'));
    const lineage = `${v.parentVersion == null ? 'from the base' : 'parent v' + v.parentVersion} · ${v.strategy || ''} · ${v.runId || ''}`;
    const gate = document.createDocumentFragment();
    if (v.gate) {
      gate.append(badge(v.gate.blessed ? 'blessed' : 'refused'), ` chose ${v.gate.chosen}`);
      if (v.gate.reasons && v.gate.reasons.length) gate.append(list(v.gate.reasons));
    }
    return row([head, lineage, v.dataWindow ? pairs(v.dataWindow.pairsPerDomain) : '', metrics(v.metrics), gate, time(v.createdAt)]);
  }

  function indexRow(e) {
    let details = e.reason || '';
    if (e.state === 'PROGRESS') details = `${e.indexed}${e.total ? ' / ' + e.total : ''} pairs, ${Math.round(e.pairsPerSecond)} pairs/s`;
    if (e.state === 'SWAPPED') details = `${e.indexed} pairs in ${e.durationSeconds.toFixed(1)} s, serving now`;
    if (e.state === 'FAILED') details = (e.error || '').split('\n')[0];
    return row([time(e.at), `v${e.version}`, badge(e.state), details]);
  }

  async function refresh() {
    try {
      const r = await fetch('/v1/ops', { headers: { 'X-Api-Key': $('key').value } });
      const ops = await r.json();
      if (!r.ok) throw new Error(ops.detail || ops.title || ('HTTP ' + r.status));
      $('ops-error').hidden = true;
      const s = ops.index;
      $('ops-summary').textContent = `champion v${s.champion}; live index ${s.liveVersion == null ? 'none yet' : 'v' + s.liveVersion
        + ', ' + s.livePairs + ' pairs'} (${s.backend})${s.buildVersion == null ? '' : '; building v' + s.buildVersion}; `
        + `${ops.runs.length} recent runs, ${ops.versions.length} versions`;
      $('runs').tBodies[0].replaceChildren(...ops.runs.map(runRow));
      $('versions').tBodies[0].replaceChildren(...ops.versions.map((v) => versionRow(v, s.champion)));
      $('index-events').tBodies[0].replaceChildren(...ops.indexEvents.map(indexRow));
    } catch (e) {
      $('ops-error').textContent = e.message;
      $('ops-error').hidden = false;
    }
    if (!$('ops-view').hidden) timer = setTimeout(refresh, 2000);
  }

  // a link straight to this view: /#view=ops (with &key=... as on the search page)
  if (new URLSearchParams(location.hash.slice(1)).get('view') === 'ops') selectTab(true);
})();
