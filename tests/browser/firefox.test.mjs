// The player in Debian's Firefox ESR (driven by puppeteer-core over WebDriver BiDi), against the real plugin in
// obs-sse-audio-host playing a 440 Hz tone. Firefox's Media Source Extensions reject audio/mpeg, so the player
// takes its WebCodecs + Web Audio path. Firefox needs an audio device: a private PulseAudio null sink.
// Run by CTest (label `browser`) or by hand: `node firefox.test.mjs`.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { closeFirefox, launchFirefox } from './lib/browsers.mjs';
import { checkChannels } from './lib/channel-checks.mjs';
import { checkEmbedding } from './lib/embed-checks.mjs';
import { freePort, Host, paths, sleep } from './lib/host.mjs';
import { checkImpairedNetworks } from './lib/impaired-checks.mjs';
import * as checks from './lib/player-checks.mjs';
import { startPulse } from './lib/pulse.mjs';

const TEST = { timeout: 120000 };

let pulse;
let host;
let browser;
let page;

before(async () => {
	fs.mkdirSync(paths.artifacts, { recursive: true });
	pulse = await startPulse();
	host = new Host({ port: await freePort(), title: 'Browser test tone (Firefox)' });
	await host.start();
	browser = await launchFirefox(pulse);
	const raw = await browser.newPage();
	await raw.setViewport({ width: 480, height: 900 });
	// Script errors are collected in the page itself: subscribing to Firefox's log over BiDi (page.on('pageerror'))
	// made Firefox ESR 153 stop answering now and then while the page played.
	await raw.evaluateOnNewDocument(() => {
		window.__pageErrors = [];
		window.addEventListener('error', (event) => window.__pageErrors.push(String(event.message)));
		window.addEventListener('unhandledrejection', (event) => window.__pageErrors.push(String(event.reason)));
		// Counts the page's reads of AudioContext.outputLatency: in Firefox a read can hang the page for good
		// (data/web/output.js), so the player must make none.
		const latency = Object.getOwnPropertyDescriptor(AudioContext.prototype, 'outputLatency');
		window.__outputLatencyReads = 0;
		Object.defineProperty(AudioContext.prototype, 'outputLatency', {
			...latency,
			get() {
				window.__outputLatencyReads++;
				return latency.get.call(this);
			},
		});
	});
	page = checks.boundedPage(raw);
});

after(async () => {
	if (browser) {
		await closeFirefox(browser);
	}
	await host?.stop();
	await pulse?.stop();
});

test('plays the tone gaplessly, in real time, with a low delay (WebCodecs and Web Audio)', TEST, async () => {
	await checks.openAndPlay(page, host.url);
	const start = await checks.stats(page);
	assert.equal(start.path, 'webcodecs');
	await sleep(2000);
	const figures = await checks.checkPlaysInRealTime(page, { seconds: 10 });
	await checks.checkShownFigures(page, host.title);
	await page.screenshot({ path: path.join(paths.artifacts, 'firefox-playing.png'), fullPage: true });
	assert.equal(await page.evaluate(() => window.__outputLatencyReads), 0, 'reads of AudioContext.outputLatency');
	assert.equal((await checks.stats(page)).deviceLatencyIncluded, false, 'the delay figure says it leaves out the sound system');
	console.log(`# firefox webcodecs: first sound ${start.firstSoundMs} ms, ${JSON.stringify(figures)}`);
});

test('says when OBS stops the output and plays again by itself when it starts', TEST, async () => {
	const figures = await checks.checkOutputStopAndStart(page, host);
	console.log(`# firefox after output restart: ${JSON.stringify(figures)}`);
});

test('reconnects by itself after the host was killed and restarted', TEST, async () => {
	const port = host.port;
	const result = await checks.checkHostKilledAndRestarted(page, host, async () => {
		host = new Host({ port, title: 'Browser test tone (Firefox)' });
		await host.start();
		return host;
	});
	console.log(`# firefox after host restart: ${JSON.stringify(result.figures)}`);
});

// On a page served over plain http from a LAN address Firefox has no WebCodecs (secure contexts only): it plays
// through Media Source, which takes MP3 only in fragmented MP4 there. `?engine=mse` asks for that path on loopback.
test('plays through Media Source with MP3 in fragmented MP4', TEST, async () => {
	assert.deepEqual(await page.evaluate(() => window.__pageErrors), [], 'no script errors on the WebCodecs page');
	await checks.openAndPlay(page, `${host.url}?engine=mse`);
	const start = await checks.stats(page);
	assert.equal(start.path, 'mse');
	assert.equal(start.container, 'mp4');
	await sleep(2000);
	const figures = await checks.checkPlaysInRealTime(page, { seconds: 10 });
	console.log(`# firefox mse (fmp4): first sound ${start.firstSoundMs} ms, ${JSON.stringify(figures)}`);
});

test('embedded on another site: the element plays and is heard there, says when that site is not allowed; the iframe, the docs\' minimal client and the npm package play', { timeout: 240000 }, async () => {
	// A browser, an ear and a host of their own, and page servers on two more local ports (lib/embed-checks.mjs).
	const figures = await checkEmbedding('firefox');
	console.log(`# firefox embedded: ${JSON.stringify(figures)}`);
});

test('no script errors on the page', async () => {
	assert.deepEqual(await page.evaluate(() => window.__pageErrors), []);
});

test('through a cut, frozen, jittery and thin network: sound, delay and what the page says', { timeout: 300000 }, async () => {
	// A browser of its own (audible: the ear listens), a host whose tone carries marks, the impairing proxy. The
	// suite's browser is closed first, so that one Firefox plays at a time. (A page that stopped answering right
	// after Play, first blamed on two Firefoxes at once, was the player's read of AudioContext.outputLatency: see
	// data/web/output.js.)
	await closeFirefox(browser);
	browser = null;
	await checkImpairedNetworks('firefox');
});

test('picks a language channel: heard at once, remembered, the floor underneath, none offered with one channel', { timeout: 240000 }, async () => {
	// A Firefox and an ear of their own (the suite's Firefox is closed above), a host with three channels of three
	// tones (lib/channel-checks.mjs).
	await checkChannels('firefox', { engines: ['webcodecs', 'mse', 'element'] });
});
