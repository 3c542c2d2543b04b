// The embeddable player (docs/embedding.md) as a listener on someone else's site hears it, for the Chromium and
// Firefox suites: a host playing 440 Hz whose allowed origins list one local port, and a small page server on that
// port (the "church's site") and on a second one the streamer has not allowed, both on 127.0.0.1. The ear (lib/ear.mjs)
// listens on a PulseAudio server of its own. One call checks:
// - <obs-sse-audio> from the host's /embed.js on the allowed origin: Play in its shadow root plays, the ear hears the
//   tone (time from the click to the first sound heard, logged), `statechange` reached `live`, `volume` and
//   `pause()` do what they say (after pause() the ear hears nothing); a changed `buffer` attribute restarts the
//   element's player with it, heard again;
// - the same page on the origin not allowed: the element says so (state `error`, the message naming the origin, an
//   `error` event `origin-not-allowed`), and nothing is heard;
// - embed.html in an <iframe> on the origin not allowed plays (a frame of the server's own needs no CORS);
// - the minimal client of docs/embedding.md, taken from that page as written (only its STREAM pointed here), heard;
// - the package packed by `npm pack` in data/web, unpacked and imported through an import map built from its
//   `exports`: the element from the tarball plays and is heard;
// - with its server gone, the element's notice (repeated at each status poll) fires `error` once.
// Returns the figures.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

import { openBrowser } from './browsers.mjs';
import { startEar } from './ear.mjs';
import { freePort, Host, paths, sleep } from './host.mjs';
import { waitFor } from './player-checks.mjs';
import { startPulse } from './pulse.mjs';

const TONE_HZ = 440;
const CANDIDATES = [TONE_HZ, 880];
const FIRST_SOUND_LIMIT_MS = 10000; // a sanity bound: the figures are logged
const LISTEN_MS = 2000;
const wallNow = () => performance.timeOrigin + performance.now();

// The minimal client: the first ```html block under "## Writing your own client" in docs/embedding.md.
export function minimalClient(docsFile = path.join(paths.repo, 'docs/embedding.md')) {
	const text = fs.readFileSync(docsFile, 'utf8');
	const section = text.slice(text.indexOf('\n## Writing your own client'));
	const match = /\n```html\n([\s\S]*?)\n```\n/.exec(section);
	assert.ok(match, 'docs/embedding.md has the minimal client');
	return match[1];
}

// A static page server on 127.0.0.1:`port`: `pages` by path, and files under `folders` (url prefix -> folder).
function servePages(port, pages, folders = {}) {
	const types = { '.js': 'text/javascript', '.html': 'text/html; charset=utf-8', '.json': 'application/json' };
	const server = http.createServer((req, res) => {
		const url = new URL(req.url, `http://127.0.0.1:${port}`);
		if (pages[url.pathname]) {
			res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
			res.end(pages[url.pathname]);
			return;
		}
		for (const [prefix, folder] of Object.entries(folders)) {
			if (url.pathname.startsWith(prefix)) {
				const file = path.resolve(folder, url.pathname.slice(prefix.length));
				if (file.startsWith(folder) && fs.existsSync(file) && fs.statSync(file).isFile()) {
					res.writeHead(200, { 'Content-Type': types[path.extname(file)] ?? 'application/octet-stream' });
					res.end(fs.readFileSync(file));
					return;
				}
			}
		}
		res.writeHead(404).end();
	});
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => resolve({ close: () => new Promise((done) => server.close(done)) }));
	});
}

// A page embedding the element as docs/embedding.md says; it records the element's events.
function embedPage(scriptUrl, streamUrl, head = '') {
	return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>A church's page</title>${head}
<script type="module" src="${scriptUrl}"></script></head>
<body><h1>Sunday service</h1>
<obs-sse-audio id="embedded" src="${streamUrl}"><a href="${streamUrl}">Listen live</a></obs-sse-audio>
<script>
window.__events = [];
const element = document.getElementById('embedded');
element.addEventListener('statechange', (event) => window.__events.push(['statechange', event.detail.state]));
element.addEventListener('error', (event) => window.__events.push(['error', event.detail.code, event.detail.message]));
</script></body></html>`;
}

const shadowSelector = (browser, selector) =>
	browser === 'chromium' ? `#embedded ${selector}` : `#embedded >>> ${selector}`; // playwright's CSS pierces

// The tone heard over the last LISTEN_MS, and the first time it was heard since `fromMs`.
function heardTone(ear, fromMs, what) {
	const now = wallNow();
	const { firstMs } = ear.tones({ fromMs, toMs: now, candidates: CANDIDATES, first: TONE_HZ });
	const heard = ear.tones({ fromMs: now - LISTEN_MS, toMs: now, candidates: CANDIDATES });
	const share = ear.heard({ fromMs: now - LISTEN_MS, toMs: now }).heardShare;
	assert.ok(firstMs !== null, `${what}: ${TONE_HZ} Hz heard`);
	assert.ok(heard.tones[TONE_HZ].share > 0.95, `${what}: ${TONE_HZ} Hz heard: ${JSON.stringify(heard.tones)}`);
	assert.ok(share > 0.95, `${what}: sound ${Math.round(share * 100)} % of the last ${LISTEN_MS} ms`);
	return { firstHeardMs: Math.round(firstMs - fromMs), heardShare: Number(share.toFixed(3)) };
}

function heardNothing(ear, fromMs, what) {
	const share = ear.heard({ fromMs, toMs: wallNow() }).heardShare;
	assert.equal(share, 0, `${what}: nothing heard (${Math.round(share * 100)} %)`);
}

// The element on `url` plays from a real click in its shadow root; returns the figures.
async function playElement(page, browser, ear, url, what) {
	await page.goto(url);
	await waitFor(page, `${what}: the element's Play button`, () => {
		const button = document.getElementById('embedded')?.shadowRoot?.getElementById('toggle');
		return button && !button.disabled;
	}, 15000);
	const clickedMs = wallNow();
	await page.click(shadowSelector(browser, '#toggle'));
	await waitFor(page, `${what}: live`, () => document.getElementById('embedded').state === 'live', FIRST_SOUND_LIMIT_MS);
	await sleep(LISTEN_MS + 500);
	const heard = heardTone(ear, clickedMs, what);
	const stats = await page.evaluate(() => document.getElementById('embedded').stats);
	assert.ok(heard.firstHeardMs < FIRST_SOUND_LIMIT_MS, `${what}: first sound ${heard.firstHeardMs} ms after the click`);
	return { path: stats.path, firstSoundMs: stats.firstSoundMs, latencyMs: stats.latencyMs, ...heard };
}

// Unpacks the tarball `npm pack` makes of data/web into `folder`/node_modules/<its name>, where Node finds it;
// returns the folder and its package.json.
function packPlayer(folder) {
	const web = path.join(paths.repo, 'data/web');
	const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', folder], { cwd: web, encoding: 'utf8' });
	const tarball = path.join(folder, out.trim().split('\n').at(-1));
	const unpacked = path.join(folder, 'node_modules', 'obs-sse-audio-player');
	fs.mkdirSync(unpacked, { recursive: true });
	execFileSync('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1']);
	fs.rmSync(tarball);
	return { unpacked, manifest: JSON.parse(fs.readFileSync(path.join(unpacked, 'package.json'), 'utf8')) };
}

export async function checkEmbedding(browser) {
	const pulse = await startPulse();
	const allowedPort = await freePort();
	const otherPort = await freePort();
	const allowed = `http://127.0.0.1:${allowedPort}`;
	const other = `http://127.0.0.1:${otherPort}`;
	const host = new Host({ port: await freePort(), title: `Embedded tone (${browser})`,
		args: ['--allowed-origins', allowed] });
	const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'sse-audio-embed-'));
	const servers = [];
	let ear;
	let opened;
	const figures = {};
	try {
		await host.start();
		const { unpacked, manifest } = packPlayer(temp);
		const entry = manifest.exports['.'].default;
		const importMap = JSON.stringify({ imports: { [manifest.name]: `/packages/${manifest.name}/${entry.replace(/^\.\//, '')}` } });
		const client = minimalClient().replace("'https://radio.example.org/stream'", `'${host.url}stream'`);
		assert.ok(client.includes(`${host.url}stream`), 'the minimal client names its stream in one place');
		const pages = {
			'/church.html': embedPage(`${host.url}embed.js`, host.url),
			'/frame.html': `<!DOCTYPE html><meta charset="utf-8"><title>Frame</title><h1>A forum</h1>
<iframe src="${host.url}embed.html" title="Live audio" allow="autoplay" style="width: 420px; height: 190px; border: 0"></iframe>`,
			'/client.html': client,
			'/package.html': embedPage(manifest.name, host.url, `<script type="importmap">${importMap}</script>`)
				.replace(`<script type="module" src="${manifest.name}"></script>`,
					`<script type="module">import '${manifest.name}';</script>`),
		};
		servers.push(await servePages(allowedPort, pages, { '/packages/': path.join(temp, 'node_modules') }));
		servers.push(await servePages(otherPort, pages));
		// The package's exports resolve in Node too (the element itself needs a browser).
		const resolved = execFileSync(process.execPath, ['--input-type=module', '-e',
			`for (const name of ${JSON.stringify(Object.keys(manifest.exports).map((key) => key.replace(/^\./, manifest.name)))}) console.log(import.meta.resolve(name))`],
		{ cwd: temp, encoding: 'utf8' });
		figures.exports = Object.keys(manifest.exports);
		ear = await startEar(pulse.env, { toneHz: TONE_HZ });
		opened = await openBrowser(browser, pulse);
		const { page } = opened;

		// On the allowed origin: plays, heard; its events, volume and pause().
		figures.allowed = await playElement(page, browser, ear, `${allowed}/church.html`, 'the element on the allowed origin');
		await page.screenshot({ path: path.join(paths.artifacts, `${browser}-embedded.png`) });
		const api = await page.evaluate(() => {
			const element = document.getElementById('embedded');
			element.volume = 0.5;
			return { volume: element.volume, statsVolume: element.stats.volume, events: window.__events };
		});
		assert.equal(api.volume, 0.5);
		assert.equal(api.statsVolume, 0.5);
		const states = api.events.filter(([type]) => type === 'statechange').map(([, state]) => state);
		assert.ok(states.includes('live'), `statechange reached live: ${states}`);
		assert.equal(states.at(-1), 'live');
		await page.evaluate(() => document.getElementById('embedded').pause());
		assert.equal(await page.evaluate(() => document.getElementById('embedded').state), 'stopped');
		await sleep(1000);
		heardNothing(ear, wallNow() - 500, 'after pause()');

		// A changed attribute restarts the element's player with it (and nothing of the old one answers the
		// buttons): a fixed buffer of 200 ms, played from a click, heard.
		await page.evaluate(() => document.getElementById('embedded').setAttribute('buffer', '200'));
		await waitFor(page, 'the restarted element', () => {
			const button = document.getElementById('embedded').shadowRoot.getElementById('toggle');
			return !button.disabled && document.getElementById('embedded').state === 'stopped';
		}, 15000);
		const restartClickMs = wallNow();
		await page.click(shadowSelector(browser, '#toggle'));
		await waitFor(page, 'live again', () => document.getElementById('embedded').state === 'live', FIRST_SOUND_LIMIT_MS);
		await sleep(LISTEN_MS + 500);
		figures.restarted = heardTone(ear, restartClickMs, 'the element after its buffer attribute changed');
		const restarted = await page.evaluate(() => document.getElementById('embedded').stats);
		assert.equal(restarted.targetBufferMs, 200);
		assert.equal(restarted.state, 'live');
		await page.evaluate(() => document.getElementById('embedded').pause());

		// On an origin the streamer has not allowed: a clear error in the element, and no sound.
		await page.goto(`${other}/church.html`);
		const refused = await waitFor(page, 'the refusal', () => {
			const element = document.getElementById('embedded');
			return element?.state === 'error' && {
				notice: element.shadowRoot.getElementById('notice').textContent,
				shown: !element.shadowRoot.getElementById('notice').hidden,
				events: window.__events,
			};
		}, 15000);
		assert.equal(refused.shown, true);
		assert.match(refused.notice, /may not be played on this site/);
		assert.ok(refused.notice.includes(other), `the message names the origin: ${refused.notice}`);
		assert.deepEqual(refused.events.find(([type]) => type === 'error').slice(0, 2), ['error', 'origin-not-allowed']);
		const playRefused = await page.evaluate(() => document.getElementById('embedded').play().then(() => 'played', () => 'rejected'));
		assert.equal(playRefused, 'rejected');
		await page.screenshot({ path: path.join(paths.artifacts, `${browser}-embedded-refused.png`) });
		await sleep(1000);
		heardNothing(ear, wallNow() - 1000, 'on the origin not allowed');

		// The iframe needs no allowed origin: the frame is the server's own page.
		await page.goto(`${other}/frame.html`);
		await sleep(3000); // the frame loads and its player checks what this browser decodes
		const frameClickMs = wallNow();
		const frame = page.raw.frames ? page.raw.frames().find((f) => f.url().startsWith(host.url)) : null;
		assert.ok(frame, 'the frame loaded');
		await frame.click(browser === 'chromium' ? 'obs-sse-audio #toggle' : 'obs-sse-audio >>> #toggle');
		await sleep(LISTEN_MS + 1500);
		figures.iframe = heardTone(ear, frameClickMs, 'the iframe on the origin not allowed');

		// The minimal client from the docs, as written.
		await page.goto(`${allowed}/client.html`);
		const clientClickMs = wallNow();
		await page.click('#play');
		await sleep(LISTEN_MS + 1500);
		figures.minimalClient = heardTone(ear, clientClickMs, 'the minimal client of docs/embedding.md');

		// The npm package, from its tarball, through an import map.
		figures.package = await playElement(page, browser, ear, `${allowed}/package.html`, 'the element from the npm package');
		figures.resolved = resolved.trim().split('\n').map((url) => path.basename(url));
		await page.evaluate(() => document.getElementById('embedded').pause());

		// A notice the player repeats at each status poll (every 2 s; here the server is gone) is one `error` event
		// for the page, not one per poll. The host is stopped last: nothing after this needs it.
		await page.goto(`${allowed}/church.html`);
		await waitFor(page, 'the element before its server stops', () => {
			const button = document.getElementById('embedded')?.shadowRoot?.getElementById('toggle');
			return button && !button.disabled;
		}, 15000);
		await host.stop();
		await sleep(7000);
		const unreachable = await page.evaluate(() => ({
			events: window.__events.filter(([type, code]) => type === 'error' && code === 'server'),
			notice: document.getElementById('embedded').shadowRoot.getElementById('notice').textContent,
		}));
		assert.ok(unreachable.notice, 'the element shows that its server is unreachable');
		assert.equal(unreachable.events.length, 1, `one error event over three polls: ${JSON.stringify(unreachable.events)}`);
		figures.unreachableEvents = unreachable.events.length;
		return figures;
	} finally {
		await opened?.close();
		await ear?.stop();
		for (const server of servers) {
			await server.close();
		}
		await host.stop();
		await pulse.stop();
		fs.rmSync(temp, { recursive: true, force: true });
	}
}
