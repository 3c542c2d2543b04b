// Relay mode in Debian's Chromium: the plugin in obs-sse-audio-host publishes to nginx + nchan (deploy/nginx,
// started on a loopback port in a temporary folder) and serves nobody itself; the unchanged player page, served by
// nginx, plays the tone from nginx's /stream and shows the title and figures from the relay's status document.
// Registered by tests/relay/CMakeLists.txt (label `relay`); by hand: `node relay.test.mjs` with BUILD_DIR set.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { chromium } from 'playwright-core';

import { freePort, Host, paths, sleep } from './lib/host.mjs';
import * as checks from './lib/player-checks.mjs';
import { startPulse } from './lib/pulse.mjs';

const EXECUTABLE = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--autoplay-policy=no-user-gesture-required', '--disable-gpu',
	'--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
	'--disable-quic'];
const TEST = { timeout: 120000 };
const TITLE = 'Relay test tone (Chromium)';

const canConnect = (port) => new Promise((resolve) => {
	const socket = net.connect({ host: '127.0.0.1', port }, () => {
		socket.destroy();
		resolve(true);
	});
	socket.once('error', () => resolve(false));
	socket.setTimeout(300, () => {
		socket.destroy();
		resolve(false);
	});
});

// nginx rendered from deploy/nginx/render.sh, in the foreground in its own process group; stop() ends it.
async function startNginx(port) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sse-audio-relay-nginx-'));
	fs.chmodSync(dir, 0o755);
	const rendered = spawnSync('bash', [path.join(paths.repo, 'deploy/nginx/render.sh'), 'single', dir], {
		env: { ...process.env, LISTEN: `127.0.0.1:${port}`, PUBLISHER_ALLOW: '127.0.0.1', WORKER_CONNECTIONS: '1024',
			NOFILE: '4096', WEB_ROOT: path.join(paths.data, 'web') },
		encoding: 'utf8',
		timeout: 10000,
	});
	assert.equal(rendered.status, 0, `render.sh: ${rendered.stderr}`);
	// As root, nginx's workers would run as `nobody`, which may not reach a checkout inside a private folder
	// (a fresh clone in a mktemp -d folder): they keep root's identity here so the player's files are readable.
	const globals = process.getuid?.() === 0 ? 'daemon off; user root;' : 'daemon off;';
	const child = spawn('nginx', ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log'),
		'-g', globals], { stdio: 'ignore', detached: true });
	for (let i = 0; i < 100 && child.exitCode === null && !(await canConnect(port)); i++) {
		await sleep(100);
	}
	const log = () => (fs.existsSync(path.join(dir, 'error.log')) ? fs.readFileSync(path.join(dir, 'error.log'), 'utf8') : '');
	assert.ok(await canConnect(port), `nginx did not come up on ${port}:\n${log()}`);
	return {
		url: `http://127.0.0.1:${port}/`,
		publishUrl: `http://127.0.0.1:${port}/pub/obs`,
		async stop() {
			if (child.exitCode === null) {
				const exited = new Promise((resolve) => child.once('exit', resolve));
				process.kill(-child.pid, 'SIGTERM');
				const timer = setTimeout(() => process.kill(-child.pid, 'SIGKILL'), 5000);
				await exited;
				clearTimeout(timer);
			}
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

let pulse;
let nginx;
let host;
let browser;
let page;
const pageErrors = [];

before(async () => {
	fs.mkdirSync(paths.artifacts, { recursive: true });
	pulse = await startPulse();
	nginx = await startNginx(await freePort());
	host = new Host({ port: await freePort(), title: TITLE, args: ['--relay-url', nginx.publishUrl, '--no-serve'] });
	await host.start();
	browser = await chromium.launch({ executablePath: EXECUTABLE, headless: true, args: ARGS,
		env: { ...process.env, ...pulse.env } });
	const context = await browser.newContext({ viewport: { width: 480, height: 900 }, locale: 'en-US' });
	page = checks.boundedPage(await context.newPage());
	page.raw.on('pageerror', (error) => pageErrors.push(error.message));
});

after(async () => {
	await browser?.close();
	await host?.stop();
	await nginx?.stop();
	await pulse?.stop();
});

test('the player page served by nginx plays the relayed tone in real time', TEST, async () => {
	assert.equal(await canConnect(host.port), false, 'in relay-only mode the plugin opens no port');
	await checks.openAndPlay(page, nginx.url);
	await sleep(2000); // the first timing event (about once a second) gives the delay
	const figures = await checks.checkPlaysInRealTime(page, { seconds: 8, maxDelayMs: 400 });
	await sleep(2500); // the relay's status document comes every 2 s
	await checks.checkShownFigures(page, TITLE);
	await page.screenshot({ path: path.join(paths.artifacts, 'chromium-relay-playing.png') });
	assert.deepEqual(pageErrors, []);
	console.log(`# relay: rate ${figures.ratio.toFixed(3)}, delay ${figures.delayMs} ms (median ${figures.medianDelayMs}),`
		+ ` buffer ${figures.bufferedMs} ms`);
});

// Through nchan the listener's connection stays open across the stop (nginx, not the plugin, holds it): the page
// learns of the stop from the relayed `stopped` event and plays again as soon as audio comes.
test('the page says when OBS stops the stream, and plays again when it starts', TEST, async () => {
	host.send('stop');
	assert.ok(await host.waitForLine(['STOPPED'], 15000), 'the host stopped the output');
	await checks.waitFor(page, 'the stopped state', () => window.sseAudio.stats.state === 'offair', 5000);
	const text = await page.evaluate(() => document.getElementById('state').textContent);
	assert.match(text, /stopped/);
	host.send('start');
	assert.ok(await host.waitForLine(['READY'], 15000), 'the host started the output again');
	await checks.checkPlaysAgain(page, 'after the output restarted');
});
