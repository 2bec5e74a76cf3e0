// Dengta's holder wallet: keeps the holder's key and credentials in this
// browser (localStorage), shows each credential's claims, and makes
// presentations that disclose only the claims the holder ticks, bound to
// a verifier's nonce with a Key Binding JWT (RFC 9901) signed by the
// holder's key with WebCrypto. The key never leaves the browser, except in
// a wallet file the holder exports.
(function () {
  "use strict";
  const STORE = "dengta.wallet.v1";
  const $ = (id) => document.getElementById(id);
  const text = $("wallet-text").dataset;
  const enc = new TextEncoder();
  const dec = new TextDecoder();

  function b64u(bytes) {
    let s = "";
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function unb64u(s) {
    s = s.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) s += "=";
    const bin = atob(s);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  async function sha256b64u(str) {
    return b64u(new Uint8Array(await crypto.subtle.digest("SHA-256", enc.encode(str))));
  }
  function show(id, msg) {
    const el = $(id);
    el.textContent = msg;
    el.hidden = !msg;
  }
  const error = (msg) => show("wallet-error", msg);
  const status = (msg) => { error(""); show("wallet-status", msg); };

  function load() {
    try {
      const w = JSON.parse(localStorage.getItem(STORE) || "{}");
      return { key: w.key || null, credentials: Array.isArray(w.credentials) ? w.credentials : [] };
    } catch (e) {
      return { key: null, credentials: [] };
    }
  }
  function save(w) { localStorage.setItem(STORE, JSON.stringify(w)); }

  function parse(sdjwt) {
    const parts = sdjwt.trim().split("~");
    if (parts.length < 2 || parts[0].split(".").length !== 3) throw new Error("not an SD-JWT (<JWT>~<disclosures>~)");
    const payload = JSON.parse(dec.decode(unb64u(parts[0].split(".")[1])));
    return { jwt: parts[0], disclosures: parts.slice(1, -1), kb: parts[parts.length - 1], payload: payload };
  }
  function disclosure(e) {
    const a = JSON.parse(dec.decode(unb64u(e)));
    return a.length === 3 ? { salt: a[0], name: a[1], value: a[2], encoded: e } : { salt: a[0], value: a[1], encoded: e };
  }
  function publicJWK(k) { return { kty: k.kty, crv: k.crv, x: k.x, y: k.y }; }

  async function newKey() {
    const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
    const jwk = await crypto.subtle.exportKey("jwk", pair.privateKey);
    return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, d: jwk.d };
  }
  async function sign(jwk, data) {
    const key = await crypto.subtle.importKey("jwk", { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, d: jwk.d, ext: true },
      { name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
    return new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key, enc.encode(data)));
  }

  const labels = {};
  async function typeLabels(type) {
    if (labels[type]) return labels[type];
    labels[type] = {};
    try {
      const r = await fetch("/v1/credential/types/" + encodeURIComponent(type));
      if (r.ok) {
        const t = await r.json();
        labels[type]["@order"] = t.type.claims.map((c) => c.name);
        for (const c of t.type.claims) labels[type][c.name] = c.zh + " " + c.en;
        labels[type]["@name"] = t.type.name;
      }
    } catch (e) { /* labels are a courtesy */ }
    return labels[type];
  }

  function renderKey(w) {
    $("holder-public").value = w.key ? JSON.stringify(publicJWK(w.key)) : "";
  }

  async function render() {
    const w = load();
    renderKey(w);
    const box = $("credentials");
    box.textContent = "";
    if (!w.credentials.length) {
      const p = document.createElement("p");
      p.className = "muted";
      p.textContent = text.nocred;
      box.appendChild(p);
      return;
    }
    for (let i = 0; i < w.credentials.length; i++) {
      const c = w.credentials[i];
      let parsed;
      try { parsed = parse(c.sdjwt); } catch (e) { continue; }
      const p = parsed.payload;
      const type = (p.type || []).filter((t) => t !== "VerifiableCredential")[0] || "";
      const lab = await typeLabels(type);
      const fs = document.createElement("fieldset");
      fs.className = "credential";
      fs.id = "credential-" + i;
      const lg = document.createElement("legend");
      const radio = document.createElement("input");
      radio.type = "radio";
      radio.name = "pick";
      radio.id = "pick-" + i;
      radio.value = String(i);
      if (i === 0) radio.checked = true;
      const rl = document.createElement("label");
      rl.appendChild(radio);
      rl.appendChild(document.createTextNode(" " + (p.name || lab["@name"] || type) + " · " + text.issued + " " + p.issuer + " · " + (p.validFrom || "")));
      lg.appendChild(rl);
      fs.appendChild(lg);
      const sd = ((p.credentialSubject || {})._sd || []);
      const shown = [];
      for (const e of parsed.disclosures) {
        let d;
        try { d = disclosure(e); } catch (err) { continue; }
        if (d.name && sd.includes(await sha256b64u(e))) shown.push(d);
      }
      const order = lab["@order"] || [];
      const rank = (n) => (order.indexOf(n) < 0 ? order.length : order.indexOf(n));
      shown.sort((a, b) => rank(a.name) - rank(b.name));
      for (const d of shown) {
        const e = d.encoded;
        const cb = document.createElement("input");
        cb.type = "checkbox";
        cb.id = "claim-" + i + "-" + d.name;
        cb.dataset.disclosure = e;
        cb.className = "claim-box";
        const l = document.createElement("label");
        l.appendChild(cb);
        l.appendChild(document.createTextNode(" " + (lab[d.name] || d.name) + ": " + (typeof d.value === "string" ? d.value : JSON.stringify(d.value))));
        fs.appendChild(l);
      }
      for (const [k, v] of Object.entries(p.credentialSubject || {})) {
        if (k === "_sd") continue;
        const row = document.createElement("div");
        row.className = "muted";
        row.textContent = (lab[k] || k) + ": " + (typeof v === "string" ? v : JSON.stringify(v));
        fs.appendChild(row);
      }
      const rm = document.createElement("button");
      rm.type = "button";
      rm.className = "secondary";
      rm.textContent = text.remove;
      rm.addEventListener("click", () => {
        const w2 = load();
        w2.credentials.splice(i, 1);
        save(w2);
        render();
      });
      fs.appendChild(rm);
      box.appendChild(fs);
    }
  }

  // addFile adds what a file or a pickup holds: an SD-JWT, or JSON of a
  // credential with its holder key, or an exported wallet.
  function addFile(content) {
    const w = load();
    content = content.trim();
    let added = 0;
    const addCred = (sdjwt, key) => {
      parse(sdjwt);
      if (!w.credentials.some((c) => c.sdjwt === sdjwt)) {
        w.credentials.push({ sdjwt: sdjwt, key: key || null, added: new Date().toISOString() });
        added++;
      }
    };
    if (content.startsWith("{")) {
      const o = JSON.parse(content);
      if (o.credential) addCred(o.credential, o.holder_key);
      if (Array.isArray(o.credentials)) {
        for (const c of o.credentials) addCred(c.sdjwt, c.key);
        if (o.key && !w.key) w.key = o.key;
      }
    } else {
      addCred(content, null);
    }
    save(w);
    return added;
  }

  async function makePresentation(nonce, aud) {
    const w = load();
    const pick = document.querySelector("input[name=pick]:checked");
    if (!pick) throw new Error(text.nocred);
    const c = w.credentials[Number(pick.value)];
    const key = c.key || w.key;
    if (!key) throw new Error(text.nokey);
    const parsed = parse(c.sdjwt);
    const cnf = (parsed.payload.cnf || {}).jwk || {};
    if (cnf.x !== key.x || cnf.y !== key.y) throw new Error(text.nokey);
    const chosen = [];
    for (const cb of document.querySelectorAll("#credential-" + pick.value + " .claim-box")) {
      if (cb.checked) chosen.push(cb.dataset.disclosure);
    }
    const bare = parsed.jwt + "~" + chosen.map((d) => d + "~").join("");
    const payload = { nonce: nonce, aud: aud, iat: Math.floor(Date.now() / 1000), sd_hash: await sha256b64u(bare) };
    const input = b64u(enc.encode(JSON.stringify({ alg: "ES256", typ: "kb+jwt" }))) + "." + b64u(enc.encode(JSON.stringify(payload)));
    return bare + input + "." + b64u(await sign(key, input));
  }

  let request = null;
  async function loadRequest() {
    const u = new URLSearchParams(location.search).get("request");
    if (!u) return;
    const r = await fetch(u, { cache: "no-store" });
    if (!r.ok) throw new Error((await r.json()).error || r.statusText);
    request = await r.json();
    $("request-card").hidden = false;
    $("request-text").textContent = text.request.replace("{verifier}", request.verifier_name).replace("{purpose}", request.purpose || "").replace("{type}", request.type || "");
    $("present-nonce").value = request.nonce;
    $("present-aud").value = request.audience;
    $("send").hidden = false;
  }

  async function pickup() {
    const m = location.hash.match(/^#pickup=([0-9a-f]+)$/);
    if (!m) return;
    history.replaceState(null, "", location.pathname + location.search);
    const r = await fetch("/credential/pickups/" + m[1], { cache: "no-store" });
    const body = await r.text();
    if (!r.ok) throw new Error(JSON.parse(body).error || r.statusText);
    addFile(body);
    status(text.added);
  }

  function wire() {
    $("new-key").addEventListener("click", async () => {
      try {
        const w = load();
        w.key = await newKey();
        save(w);
        renderKey(w);
        status(text.keymade);
      } catch (e) { error(e.message); }
    });
    $("import").addEventListener("click", async () => {
      try {
        const f = $("import-file").files[0];
        const content = f ? await f.text() : $("import-text").value;
        addFile(content);
        $("import-text").value = "";
        $("import-file").value = "";
        await render();
        status(text.added);
      } catch (e) { error(e.message); }
    });
    $("export").addEventListener("click", () => {
      const blob = new Blob([JSON.stringify(load(), null, 2)], { type: "application/json" });
      const a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = "dengta-wallet.json";
      a.click();
      URL.revokeObjectURL(a.href);
    });
    $("present").addEventListener("click", async () => {
      try {
        $("presentation-out").value = await makePresentation($("present-nonce").value.trim(), $("present-aud").value.trim());
        status("");
      } catch (e) { error(e.message); }
    });
    $("send").addEventListener("click", async () => {
      try {
        const p = await makePresentation(request.nonce, request.audience);
        $("presentation-out").value = p;
        const r = await fetch(request.respond, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ presentation: p }) });
        const body = await r.json();
        if (!r.ok) throw new Error(body.error || r.statusText);
        status(text.sent);
      } catch (e) { error(e.message); }
    });
  }

  wire();
  (async () => {
    try {
      await pickup();
      await loadRequest();
    } catch (e) {
      error(e.message);
    }
    await render();
    document.body.dataset.walletReady = "1";
  })();
})();
