// Makes the README's pictures of the player: docs/images/player-desktop-{en,zh}.png (1280 px wide) and
// docs/images/player-phone-{en,zh}.png (390 px, as a phone), playing a 440 Hz tone from the real plugin in
// obs-sse-audio-host, in Debian's Chromium driven by playwright-core (the copy in tests/browser/node_modules).
// Usage: node docs/screenshots.mjs [BUILD_DIR]   (default build/ci; needs the host built and `npm ci` in
// tests/browser; run under xvfb-run -a when there is no display, since libobs needs one).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const build = path.resolve(root, process.argv[2] || 'build/ci');
const require = createRequire(path.join(root, 'tests', 'browser', 'package.json'));
const { chromium } = require('playwright-core');

const freePort = () =>
	new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});

// The host with the freshly built plugin; resolves once it prints READY, rejects on an error or after 30 s.
async function startHost(port) {
	const host = spawn(
		path.join(build, 'src', 'host', 'obs-sse-audio-host'),
		['--module', path.join(build, 'src', 'obs', 'obs-sse-audio.so'), '--data', path.join(root, 'data'),
		 '--bind', '127.0.0.1', '--port', String(port), '--tone', '440', '--title', 'Sunday service'],
		{ stdio: ['pipe', 'pipe', 'ignore'] });
	let output = '';
	await new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`the host did not start: ${output}`)), 30000);
		host.stdout.on('data', (chunk) => {
			output += chunk;
			if (/^READY /m.test(output)) {
				clearTimeout(timer);
				resolve();
			} else if (/^(START FAILED|error)/m.test(output)) {
				clearTimeout(timer);
				reject(new Error(output));
			}
		});
		host.once('exit', (code) => reject(new Error(`the host exited (${code}): ${output}`)));
	});
	return host;
}

const shots = [
	{ name: 'player-desktop-en', viewport: { width: 1280, height: 800 }, locale: 'en-US' },
	{ name: 'player-desktop-zh', viewport: { width: 1280, height: 800 }, locale: 'zh-CN' },
	{ name: 'player-phone-en', viewport: { width: 390, height: 844 }, locale: 'en-US', phone: true },
	{ name: 'player-phone-zh', viewport: { width: 390, height: 844 }, locale: 'zh-CN', phone: true },
];

const port = await freePort();
const host = await startHost(port);
const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
	headless: true,
	args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required', '--disable-gpu', '--no-first-run'],
});
try {
	for (const shot of shots) {
		const context = await browser.newContext({
			viewport: shot.viewport,
			locale: shot.locale,
			colorScheme: 'light',
			...(shot.phone ? { deviceScaleFactor: 2, isMobile: true, hasTouch: true } : {}),
		});
		const page = await context.newPage();
		await page.goto(`http://127.0.0.1:${port}/`);
		await page.waitForFunction(() => !document.getElementById('toggle').disabled, null, { timeout: 15000 });
		await page.click('#toggle');
		// Playing, with the spectrum and the figures filled in.
		await page.waitForFunction(() => window.sseAudio?.stats?.firstSoundMs != null, null, { timeout: 20000 });
		await page.waitForTimeout(2500);
		const file = path.join(root, 'docs', 'images', `${shot.name}.png`);
		await page.screenshot({ path: file, fullPage: true });
		console.log(`wrote ${path.relative(root, file)}`);
		await context.close();
	}
} finally {
	await browser.close();
	host.stdin.end('quit\n');
	await Promise.race([once(host, 'exit'), new Promise((r) => setTimeout(r, 10000))]);
	if (host.exitCode === null) host.kill('SIGKILL');
}
