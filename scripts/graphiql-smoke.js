#!/usr/bin/env node
/**
 * Manual check that GraphiQL works in a real browser, subscriptions included (not part of
 * `npm test`: it needs Chromium, e.g. Debian's `chromium` package). With `npm start` running:
 *   node scripts/graphiql-smoke.js http://127.0.0.1:4000/graphql /tmp/graphiql.png [chromium binary]
 * It opens GraphiQL headless, types a freeStockChanged subscription into the editor, runs it,
 * waits for the sandbox simulator's next pick, prints the result pane and saves a screenshot.
 */
const { spawn } = require('node:child_process');
const { mkdtempSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const WebSocket = require('ws');

const [url = 'http://127.0.0.1:4000/graphql', out = path.join(tmpdir(), 'graphiql.png'), browser = 'chromium'] = process.argv.slice(2);
const query = 'subscription Live { freeStockChanged { id productcode freeStock stock { warehouseId freeStock } } }';
const port = 9300 + Math.floor(Math.random() * 600);
const chromium = spawn(
  browser,
  [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${mkdtempSync(path.join(tmpdir(), 'graphiql-smoke-'))}`,
    `--remote-debugging-port=${port}`,
    '--window-size=1400,900',
    'about:blank',
  ],
  { stdio: 'ignore' },
);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  let targets;
  for (let i = 0; i < 50 && !targets; i++) {
    try {
      targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
    } catch {
      await sleep(200);
    }
  }
  const page = targets.find((t) => t.type === 'page');
  const ws = new WebSocket(page.webSocketDebuggerUrl);
  await new Promise((r) => ws.on('open', r));
  let id = 0;
  const pending = new Map();
  ws.on('message', (m) => {
    const d = JSON.parse(m);
    pending.get(d.id)?.(d);
    pending.delete(d.id);
  });
  const send = (method, params = {}) =>
    new Promise((r) => {
      const i = ++id;
      pending.set(i, r);
      ws.send(JSON.stringify({ id: i, method, params }));
    });
  const evaluate = async (expression) => (await send('Runtime.evaluate', { expression, returnByValue: true })).result?.result?.value;

  await send('Page.enable');
  await send('Page.navigate', { url });
  await sleep(6000);
  console.log(
    'editor:',
    await evaluate(
      `(() => { const m = globalThis.__MONACO?.editor?.getModels?.(); const op = m?.find((x) => /operation/.test(String(x.uri))); if (!op) return 'not found'; op.setValue(${JSON.stringify(query)}); return 'set'; })()`,
    ),
  );
  await sleep(500);
  console.log(
    'run:',
    await evaluate(`(() => { const b = document.querySelector('.graphiql-execute-button'); if (!b) return 'no button'; b.click(); return 'clicked'; })()`),
  );
  await sleep(8000);
  console.log('result:', await evaluate(`document.querySelector('.graphiql-response, .result-window')?.innerText?.slice(0, 400) ?? 'none'`));
  const shot = await send('Page.captureScreenshot', { format: 'png' });
  writeFileSync(out, Buffer.from(shot.result.data, 'base64'));
  console.log('screenshot:', out);
  ws.close();
}

main().then(
  () => {
    chromium.kill();
    process.exit(0);
  },
  (err) => {
    console.error(err);
    chromium.kill();
    process.exit(1);
  },
);
