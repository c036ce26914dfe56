// The search page: queries /v1/search (text) and /v1/search/image (an image), shows the results as a grid, and
// polls /v1/index for the champion, the live index and a build in progress.
(() => {
  const $ = (id) => document.getElementById(id);
  const fromFragment = new URLSearchParams(location.hash.slice(1)).get('key');
  if (fromFragment) localStorage.setItem('clipstream.searchKey', fromFragment);
  $('key').value = localStorage.getItem('clipstream.searchKey') || '';
  $('key').addEventListener('change', () => localStorage.setItem('clipstream.searchKey', $('key').value));

  function params() {
    const p = new URLSearchParams({ k: $('k').value || '12', target: $('target').value });
    if ($('domain').value.trim()) p.set('domain', $('domain').value.trim());
    return p;
  }

  async function call(url, init) {
    const r = await fetch(url, { ...init, headers: { ...(init && init.headers), 'X-Api-Key': $('key').value } });
    const body = await r.json();
    if (!r.ok) throw new Error(body.detail || body.title || ('HTTP ' + r.status));
    return body;
  }

  function show(answer, what) {
    $('error').hidden = true;
    $('summary').textContent = `${answer.results.length} results for ${what} — ${answer.target === 'text' ? 'captions' : 'images'}, `
      + `model ${answer.model} v${answer.version} (index ${answer.index}), ${answer.tookMs.toFixed(1)} ms`;
    const list = $('results');
    list.replaceChildren(...answer.results.map((r) => {
      const li = document.createElement('li');
      li.className = 'result';
      const img = document.createElement('img');
      img.src = r.imageUrl;
      img.alt = r.caption || r.sha256;
      img.loading = 'lazy';
      const cap = document.createElement('div');
      cap.className = 'caption';
      cap.textContent = r.caption;
      const meta = document.createElement('div');
      meta.innerHTML = `<span class="score">#${r.rank} · ${r.score.toFixed(3)}</span> <span class="domain"></span> <span class="expert"></span>`;
      meta.querySelector('.domain').textContent = r.domain || '';
      meta.querySelector('.expert').textContent = r.expert ? `expert ${r.expert}` : '';
      li.append(img, cap, meta);
      return li;
    }));
  }

  function fail(e) {
    $('results').replaceChildren();
    $('summary').textContent = '';
    $('error').textContent = e.message;
    $('error').hidden = false;
  }

  $('search').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const p = params();
    p.set('q', $('q').value);
    try { show(await call('/v1/search?' + p), `“${$('q').value}”`); } catch (e) { fail(e); }
  });

  $('image').addEventListener('change', async () => {
    const file = $('image').files[0];
    if (!file) return;
    try {
      show(await call('/v1/search/image?' + params(), { method: 'POST', body: file,
        headers: { 'Content-Type': file.type || 'application/octet-stream' } }), file.name);
    } catch (e) { fail(e); }
  });

  async function poll() {
    try {
      const r = await fetch('/v1/index', { headers: { 'X-Api-Key': $('key').value } });
      if (!r.ok) return; // no key (yet), or a wrong one: the search says so when it is used
      const s = await r.json();
      $('champion').textContent = `champion: v${s.champion}`;
      $('live').textContent = s.liveVersion == null ? 'live index: none yet'
        : `live index: v${s.liveVersion}, ${s.livePairs} pairs (${s.backend})`;
      $('build').hidden = s.buildVersion == null;
      if (s.buildVersion != null) {
        $('build-version').textContent = `v${s.buildVersion} (${s.buildReason})`;
        $('build-progress').value = s.buildTotal ? Math.min(1, s.buildIndexed / s.buildTotal) : 0;
        $('build-count').textContent = `${s.buildIndexed}${s.buildTotal ? ' / ' + s.buildTotal : ''}`;
      }
    } catch (e) { /* the next poll tries again */ }
    setTimeout(poll, 1000);
  }
  poll();
})();
