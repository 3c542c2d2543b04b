// The player in Debian's Chromium (driven by playwright-core), against the real plugin in obs-sse-audio-host
// playing a 440 Hz tone. Run by CTest (label `browser`) or by hand: `node chromium.test.mjs`.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { chromium } from 'playwright-core';

import { CHROMIUM_ARGS } from './lib/browsers.mjs';
import { checkChannels } from './lib/channel-checks.mjs';
import { checkEmbedding } from './lib/embed-checks.mjs';
import { freePort, Host, paths, sleep } from './lib/host.mjs';
import { checkImpairedNetworks } from './lib/impaired-checks.mjs';
import * as checks from './lib/player-checks.mjs';
import { startPulse } from './lib/pulse.mjs';

const EXECUTABLE = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = CHROMIUM_ARGS;
const TEST = { timeout: 120000 };

let pulse;
let host;
let browser;
let page;
const pageErrors = [];

before(async () => {
	fs.mkdirSync(paths.artifacts, { recursive: true });
	pulse = await startPulse();
	host = new Host({ port: await freePort(), title: 'Browser test tone (Chromium)' });
	await host.start();
	browser = await chromium.launch({
		executablePath: EXECUTABLE,
		headless: true,
		args: ARGS,
		env: { ...process.env, ...pulse.env },
	});
	const context = await browser.newContext({ viewport: { width: 480, height: 900 }, locale: 'en-US' });
	page = await context.newPage();
	page.on('pageerror', (error) => pageErrors.push(error.message));
});

after(async () => {
	await browser?.close();
	await host?.stop();
	await pulse?.stop();
});

test('plays the tone gaplessly, in real time, with a low delay (WebCodecs and Web Audio)', TEST, async () => {
	// 127.0.0.1 is a secure context, so Chromium takes its lowest-delay path.
	await checks.openAndPlay(page, host.url);
	const start = await checks.stats(page);
	assert.equal(start.path, 'webcodecs');
	await sleep(2000); // the start settles near the live edge
	const figures = await checks.checkPlaysInRealTime(page, { seconds: 10 });
	await checks.checkShownFigures(page, host.title);
	await page.screenshot({ path: path.join(paths.artifacts, 'chromium-playing.png'), fullPage: true });
	assert.equal((await checks.stats(page)).deviceLatencyIncluded, true, "the delay figure includes the sound system's part");
	console.log(`# chromium webcodecs: first sound ${start.firstSoundMs} ms, ${JSON.stringify(figures)}`);
});

test('says when OBS stops the output and plays again by itself when it starts', TEST, async () => {
	const figures = await checks.checkOutputStopAndStart(page, host);
	console.log(`# chromium after output restart: ${JSON.stringify(figures)}`);
});

test('reconnects by itself after the host was killed and restarted', TEST, async () => {
	const port = host.port;
	const result = await checks.checkHostKilledAndRestarted(page, host, async () => {
		host = new Host({ port, title: 'Browser test tone (Chromium)' });
		await host.start();
		return host;
	});
	console.log(`# chromium after host restart: ${JSON.stringify(result.figures)}`);
});

test('Media Source Extensions play too (the path on plain http), trimming played audio', TEST, async () => {
	// The first page is done: pause it, so that one player at a time competes for this machine.
	await page.click('#toggle');
	const other = await browser.newPage();
	other.on('pageerror', (error) => pageErrors.push(error.message));
	try {
		await checks.openAndPlay(other, `${host.url}?engine=mse`);
		const start = await checks.stats(other);
		assert.equal(start.path, 'mse');
		await sleep(2000); // the start settles near the live edge
		// Media Source holds a larger buffer (150 ms target) than the Web Audio path, and the browser's own output
		// buffering comes on top: its delay is about 240 ms, so the bound is looser than the default path's 300 ms.
		const figures = await checks.checkPlaysInRealTime(other, { seconds: 8, maxDelayMs: 400 });
		console.log(`# chromium mse: first sound ${start.firstSoundMs} ms, ${JSON.stringify(figures)}`);
		// Past the 10 s kept behind the play head (and the 2 s trimmed at once): played audio is removed, so
		// memory stays flat.
		await checks.waitFor(other, '16 s of playback', () => window.sseAudio.stats.currentTime > 16, 30000);
		const held = await other.evaluate(() => {
			const audio = document.getElementById('audio');
			const ranges = audio.buffered;
			let seconds = 0;
			for (let i = 0; i < ranges.length; i++) {
				seconds += ranges.end(i) - ranges.start(i);
			}
			return { first: ranges.start(0), currentTime: audio.currentTime, seconds };
		});
		assert.ok(held.first > held.currentTime - 13, `oldest buffered ${held.first} s, playing at ${held.currentTime} s`);
		assert.ok(held.seconds < 13.5, `${held.seconds} s held in the SourceBuffer`);
	} finally {
		await other.close();
	}
});

test('the WebCodecs engine changes speed, not pitch, to hold its buffer (no clicks at splices)', TEST, async () => {
	// The engine's worklet fed a 440 Hz sine in real time at rate × real time, as a live stream would arrive when
	// the rate control runs; its output analysed in the page.
	const other = await browser.newPage();
	try {
		await other.goto(host.url);
		for (const rate of [1.05, 0.95]) {
			const result = await other.evaluate(async (rate) => {
				const context = new AudioContext({ sampleRate: 48000 });
				await context.audioWorklet.addModule('pcm-worklet.js');
				const node = new AudioWorkletNode(context, 'pcm-player', {
					numberOfInputs: 0,
					outputChannelCount: [2],
					// A deeper buffer than the player's 60 ms: this checks speed, pitch and splices, and the
					// page timer that stands in for the network must not be what starves the engine on a busy machine.
					processorOptions: { targetMs: 400 },
				});
				const analyser = context.createAnalyser();
				analyser.fftSize = 8192;
				node.connect(analyser);
				analyser.connect(context.destination);
				const reports = [];
				node.port.onmessage = (event) => reports.push(event.data);
				let frame = 0;
				const feedChunk = () => {
					const left = new Float32Array(1152);
					for (let i = 0; i < left.length; i++) {
						left[i] = 0.5 * Math.sin((2 * Math.PI * 440 * (frame + i)) / 48000);
					}
					frame += left.length;
					node.port.postMessage({ type: 'audio', channels: [left, left.slice()], captureMs: 0, sampleRate: 48000 });
				};
				for (let i = 0; i < 24; i++) {
					feedChunk();
				}
				// Audio arrives at rate × real time, by the clock rather than by timer ticks, so a late tick catches up.
				const started = performance.now();
				let fed = 0;
				const feeder = setInterval(() => {
					const due = ((performance.now() - started) / 1000) * rate * 48000;
					for (; fed + 1152 <= due; fed += 1152) {
						feedChunk();
					}
				}, 50);
				node.port.postMessage({ type: 'rate', rate });
				const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
				await wait(1000);
				const first = reports.at(-1);
				const peaks = [];
				let worstStep = 0; // largest second difference: a splice that does not line up shows as a spike
				const samples = new Float32Array(analyser.fftSize);
				const bins = new Float32Array(analyser.frequencyBinCount);
				for (let round = 0; round < 12; round++) {
					await wait(170);
					analyser.getFloatTimeDomainData(samples);
					for (let i = 2; i < samples.length; i++) {
						worstStep = Math.max(worstStep, Math.abs(samples[i] - 2 * samples[i - 1] + samples[i - 2]));
					}
					analyser.getFloatFrequencyData(bins);
					let peak = 1;
					for (let i = 1; i < bins.length; i++) {
						peak = bins[i] > bins[peak] ? i : peak;
					}
					peaks.push((peak * 48000) / analyser.fftSize);
				}
				const last = reports.at(-1);
				// Against the audio clock: the page's timers are too coarse on a busy machine.
				const speed = (last.playedSeconds - first.playedSeconds) / (last.contextTime - first.contextTime);
				clearInterval(feeder);
				await context.close();
				return { speed, peaks, worstStep, underruns: last.underruns };
			}, rate);
			console.log(`# rate ${rate}: ${JSON.stringify(result)}`);
			assert.ok(Math.abs(result.speed - rate) < 0.015, `rate ${rate}: played at ${result.speed.toFixed(3)}×`);
			assert.ok(result.peaks.every((hz) => Math.abs(hz - 440) < 6), `rate ${rate}: pitch kept: ${result.peaks}`);
			// A pure 0.5 sine at 440 Hz has second differences up to 0.0017; a misaligned splice jumps far beyond.
			assert.ok(result.worstStep < 0.004, `rate ${rate}: no click (worst second difference ${result.worstStep})`);
			assert.equal(result.underruns, 0);
		}
	} finally {
		await other.close();
	}
});

test('phone layout, dark scheme, Chinese text, keyboard, remembered volume and mute', TEST, async () => {
	const context = await browser.newContext({
		viewport: { width: 390, height: 844 },
		deviceScaleFactor: 2,
		isMobile: true,
		hasTouch: true,
		locale: 'zh-CN',
		colorScheme: 'dark',
	});
	const phone = await context.newPage();
	phone.on('pageerror', (error) => pageErrors.push(error.message));
	try {
		await phone.goto(host.url);
		await checks.waitFor(phone, 'the Play button', () => !document.getElementById('toggle').disabled, 15000);
		const look = await phone.evaluate(() => ({
			lang: document.documentElement.lang,
			play: document.getElementById('toggle-text').textContent,
			label: document.getElementById('toggle').getAttribute('aria-label'),
			volumeLabel: document.getElementById('volume').getAttribute('aria-label'),
			channelLabel: document.querySelector('label[for="channel"]').textContent,
			overflow: document.documentElement.scrollWidth - window.innerWidth,
			background: getComputedStyle(document.body).backgroundColor,
			language: window.sseAudio.language,
		}));
		assert.equal(look.lang, 'zh-CN');
		assert.equal(look.language, 'zh');
		assert.equal(look.play, '播放');
		assert.equal(look.label, '播放直播音频');
		assert.equal(look.volumeLabel, '音量');
		assert.equal(look.channelLabel, '语言'); // the picker's label (the picker itself shows with two channels or more)
		assert.ok(look.overflow <= 0, `no sideways scrolling on a phone (${look.overflow} px too wide)`);
		assert.equal(look.background, 'rgb(18, 20, 23)', 'the dark scheme');

		// Space plays, M mutes; both remembered across a reload, with the volume.
		await phone.keyboard.press('Space');
		await checks.waitFor(phone, 'the first sound', () => window.sseAudio.stats.firstSoundMs !== null, 20000);
		assert.equal(await phone.getAttribute('#toggle', 'aria-pressed'), 'true');
		assert.equal(await phone.textContent('#toggle-text'), '暂停');
		await phone.keyboard.press('m');
		assert.equal(await phone.getAttribute('#mute', 'aria-pressed'), 'true');
		assert.ok((await phone.evaluate(() => window.sseAudio.analyse().levelDb)) > -40, 'the meter still sees sound');
		await phone.evaluate(() => {
			const slider = document.getElementById('volume');
			slider.value = '40';
			slider.dispatchEvent(new Event('input', { bubbles: true }));
		});
		await phone.keyboard.press('m'); // setting a volume unmuted; mute again
		await sleep(1500);
		await phone.screenshot({ path: path.join(paths.artifacts, 'chromium-phone-zh-dark.png'), fullPage: true });
		await phone.keyboard.press('Space');
		assert.equal(await phone.getAttribute('#toggle', 'aria-pressed'), 'false');
		assert.equal((await checks.stats(phone)).state, 'stopped');

		await phone.reload();
		await checks.waitFor(phone, 'the reloaded page', () => !!window.sseAudio, 15000);
		assert.equal(await phone.inputValue('#volume'), '40');
		assert.equal(await phone.getAttribute('#mute', 'aria-pressed'), 'true');
		const remembered = await checks.stats(phone);
		assert.equal(remembered.volume, 0.4);
		assert.equal(remembered.muted, true);
	} finally {
		await context.close();
	}
});

test('asks for the access key when the server wants one, then plays with it', TEST, async () => {
	const key = 'listen-4711';
	const locked = new Host({ port: await freePort(), title: 'Browser test tone (key)', args: ['--key', key] });
	await locked.start();
	const context = await browser.newContext({ viewport: { width: 480, height: 900 }, locale: 'en-US' });
	const other = await context.newPage();
	other.on('pageerror', (error) => pageErrors.push(error.message));
	try {
		await other.goto(locked.url);
		const formShown = () => !document.getElementById('key-form').hidden;
		await checks.waitFor(other, 'the key form', formShown, 15000);
		const asked = await other.evaluate(() => ({
			notice: document.getElementById('notice').textContent,
			label: document.querySelector('label[for="key-input"]').textContent,
			focused: document.activeElement?.id,
		}));
		assert.match(asked.notice, /needs an access key/);
		assert.equal(asked.label, 'Access key');
		assert.equal(asked.focused, 'key-input');

		// A wrong key: refused, and the form asks again.
		await other.fill('#key-input', 'wrong');
		await other.press('#key-input', 'Enter');
		await checks.waitFor(other, 'the refusal', () =>
			/refused/.test(document.getElementById('notice').textContent) &&
			!document.getElementById('key-form').hidden, 10000);

		// The right key: the form goes away, the status answers, and Play plays.
		await other.fill('#key-input', key);
		await other.click('#key-submit');
		await checks.waitFor(other, 'the status with the key', () =>
			document.getElementById('key-form').hidden && document.getElementById('bitrate').textContent === '128 kbps',
		10000);
		assert.equal(new URL(other.url()).searchParams.get('key'), key, 'the key is kept in the address for a reload');
		await other.click('#toggle');
		await checks.waitFor(other, 'the first sound', () => window.sseAudio.stats.firstSoundMs !== null, 20000);
		await checks.waitFor(other, 'live', () => window.sseAudio.stats.state === 'live', 10000);
		const status = await (await fetch(`${locked.url}status.json?key=${key}`)).json();
		assert.ok(status.listeners.now >= 1, 'the page listens with the key');
		assert.equal(await other.evaluate(() => document.getElementById('notice').hidden), true);
	} finally {
		await context.close();
		await locked.stop();
	}
});

test('the key form speaks Chinese too', TEST, async () => {
	const locked = new Host({ port: await freePort(), title: 'Browser test tone (key)', args: ['--key', 'k'] });
	await locked.start();
	const context = await browser.newContext({ locale: 'zh-CN' });
	const other = await context.newPage();
	try {
		await other.goto(locked.url);
		await checks.waitFor(other, 'the key form', () => !document.getElementById('key-form').hidden, 15000);
		const shown = await other.evaluate(() => ({
			notice: document.getElementById('notice').textContent,
			label: document.querySelector('label[for="key-input"]').textContent,
			button: document.getElementById('key-submit').textContent,
		}));
		assert.deepEqual(shown, { notice: '此音频流需要访问密钥。请在下方输入您获得的密钥。', label: '访问密钥', button: '收听' });
	} finally {
		await context.close();
		await locked.stop();
	}
});

test('through a cut, frozen, jittery and thin network: sound, delay and what the page says', { timeout: 300000 }, async () => {
	// A browser of its own (audible: the ear listens), a host whose tone carries marks, the impairing proxy.
	await checkImpairedNetworks('chromium');
});

test('picks a language channel: heard at once, remembered, the floor underneath, none offered with one channel', { timeout: 240000 }, async () => {
	// A browser and an ear of their own, a host with three channels of three tones (lib/channel-checks.mjs).
	await checkChannels('chromium', { engines: ['webcodecs', 'mse', 'element'] });
});

test('embedded on another site: the element plays and is heard there, says when that site is not allowed; the iframe, the docs\' minimal client and the npm package play', { timeout: 240000 }, async () => {
	// A browser, an ear and a host of their own, and page servers on two more local ports (lib/embed-checks.mjs).
	const figures = await checkEmbedding('chromium');
	console.log(`# chromium embedded: ${JSON.stringify(figures)}`);
});

test('no script errors on the page', () => {
	assert.deepEqual(pageErrors, []);
});
