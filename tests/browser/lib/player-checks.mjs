// What the browser tests check on the player page, shared by the Chromium (playwright-core) and Firefox
// (puppeteer-core) suites. `page` is either library's Page: only goto, click, evaluate and screenshot are used.

import assert from 'node:assert/strict';

import { sleep } from './host.mjs';

export const TONE_HZ = 440;
const EVENTS_PER_SECOND = 48000 / 1152; // one MP3 frame per event at 48 kHz

// Every call into the browser, bounded: a browser that stops answering fails the test with the call's name instead
// of hanging it. Wraps a playwright or puppeteer Page; only the methods the suites use.
export function boundedPage(page, timeoutMs = 30000) {
	const bound = (name) => (...args) => {
		let timer;
		const timeout = new Promise((_, reject) => {
			// The call is named with the start of its argument (the script, the URL, the selector): which step hung.
			const what = String(args[0] ?? '').replace(/\s+/g, ' ').slice(0, 90);
			timer = setTimeout(() => reject(new Error(`the browser did not answer ${name} within ${timeoutMs} ms (${what})`)), timeoutMs);
		});
		return Promise.race([page[name](...args), timeout]).finally(() => clearTimeout(timer));
	};
	return {
		goto: bound('goto'),
		click: bound('click'),
		evaluate: bound('evaluate'),
		screenshot: bound('screenshot'),
		raw: page,
	};
}

export const stats = (page) => page.evaluate(() => window.sseAudio.stats);
const analyse = (page) => page.evaluate(() => window.sseAudio.analyse());

// Polls `predicate` in the page until it returns something truthy; fails with the player's figures on timeout.
export async function waitFor(page, what, predicate, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	for (let i = 0; i < 100000 && Date.now() < deadline; i++) {
		const value = await page.evaluate(predicate);
		if (value) {
			return value;
		}
		await sleep(100);
	}
	const figures = await page.evaluate(() => window.sseAudio?.stats);
	throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; stats: ${JSON.stringify(figures)}`);
}

export async function openAndPlay(page, url) {
	await page.goto(url);
	await waitFor(page, 'the Play button', () => !!window.sseAudio && !document.getElementById('toggle').disabled, 15000);
	await page.click('#toggle');
	await waitFor(page, 'the first sound', () => window.sseAudio.stats.firstSoundMs !== null, 20000);
}

function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

// Samples the page for `seconds` and checks that it plays the tone in real time: currentTime advances at the
// wall clock's rate (within the ±5 % rate control), the analyser's peak is at 440 Hz, nothing ran dry or jumped,
// events keep coming, and the delay stays under `maxDelayMs`. Returns the figures.
export async function checkPlaysInRealTime(page, { seconds, maxDelayMs = 300 }) {
	const before = await stats(page);
	const started = Date.now();
	const peaks = [];
	const delays = [];
	for (let i = 0; i < seconds * 2; i++) {
		await sleep(500);
		const { peakHz, levelDb } = await analyse(page);
		peaks.push(peakHz ?? 0);
		assert.ok(levelDb > -40, `sound is heard (level ${levelDb} dBFS at sample ${i})`);
		delays.push((await stats(page)).latencyMs);
	}
	const after = await stats(page);
	const elapsed = (Date.now() - started) / 1000;
	const ratio = (after.currentTime - before.currentTime) / elapsed;
	const events = after.eventsReceived - before.eventsReceived;
	assert.equal(after.state, 'live');
	assert.ok(ratio > 0.93 && ratio < 1.07, `currentTime advanced ${ratio.toFixed(3)}× real time`);
	assert.equal(after.underruns, before.underruns, 'no underrun while playing');
	assert.equal(after.jumps, before.jumps, 'no jump to the live edge while playing');
	assert.ok(Math.abs(median(peaks) - TONE_HZ) < 3, `the spectrum peaks at ${median(peaks)} Hz`);
	assert.ok(peaks.every((hz) => Math.abs(hz - TONE_HZ) < 10), `every spectrum peaks near 440 Hz: ${peaks}`);
	assert.ok(Math.abs(events / elapsed - EVENTS_PER_SECOND) < EVENTS_PER_SECOND * 0.15,
		`${events} events in ${elapsed.toFixed(1)} s`);
	assert.ok(delays.every((ms) => Number.isFinite(ms) && ms > 0), `the delay is measured all along: ${delays}`);
	assert.ok(after.latencyMs < maxDelayMs, `delay ${after.latencyMs} ms is under ${maxDelayMs} ms`);
	assert.ok(after.bufferedMs > 20 && after.bufferedMs < 400, `buffer ${after.bufferedMs} ms`);
	return { ratio, delayMs: after.latencyMs, medianDelayMs: median(delays), bufferedMs: after.bufferedMs };
}

// After a disturbance: waits until the page plays live again with a settled delay, then checks a few seconds.
export async function checkPlaysAgain(page, what) {
	await waitFor(page, `${what}: live again`, () => window.sseAudio.stats.state === 'live', 20000);
	await waitFor(page, `${what}: a settled delay`, () => {
		const s = window.sseAudio.stats;
		return s.latencyMs !== null && s.latencyMs < 400 && s.bufferedMs < 300;
	}, 15000);
	await sleep(1000);
	return checkPlaysInRealTime(page, { seconds: 4, maxDelayMs: 400 });
}

// OBS stops the output: the page says so; OBS starts it again: the page plays again by itself.
export async function checkOutputStopAndStart(page, host) {
	const before = await stats(page);
	host.send('stop');
	assert.ok(await host.waitForLine(['STOPPED'], 15000), 'the host stopped the output');
	await waitFor(page, 'the stopped state', () => window.sseAudio.stats.state === 'offair', 5000);
	const shown = await page.evaluate(() => ({
		state: document.getElementById('player').dataset.state,
		text: document.getElementById('state').textContent,
	}));
	assert.equal(shown.state, 'offair');
	assert.match(shown.text, /stopped|停止/);
	await sleep(2000); // the page keeps trying meanwhile
	assert.equal((await stats(page)).state, 'offair');
	host.send('start');
	assert.ok(await host.waitForLine(['READY'], 15000), 'the host started the output again');
	const figures = await checkPlaysAgain(page, 'after the output restarted');
	assert.ok((await stats(page)).reconnects > before.reconnects, 'the reconnect is counted');
	return figures;
}

// The host dies and comes back on the same port: the page shows it is reconnecting and then plays again.
export async function checkHostKilledAndRestarted(page, host, restart) {
	const before = await stats(page);
	await host.kill();
	await waitFor(page, 'the reconnecting state', () => window.sseAudio.stats.state === 'reconnecting', 8000);
	const text = await page.evaluate(() => document.getElementById('state').textContent);
	assert.match(text, /Reconnecting|重新连接/);
	const next = await restart();
	const figures = await checkPlaysAgain(page, 'after the host restarted');
	assert.ok((await stats(page)).reconnects > before.reconnects, 'the reconnect is counted');
	return { host: next, figures };
}

// What the page shows while playing: title from the server, figures filled in, the meter drawn.
export async function checkShownFigures(page, title) {
	const shown = await page.evaluate(() => {
		const text = (id) => document.getElementById(id).textContent.trim();
		const canvas = document.getElementById('meter');
		const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
		let drawn = 0;
		for (let i = 3; i < pixels.length; i += 4) {
			drawn += pixels[i] > 0 ? 1 : 0;
		}
		return {
			title: text('title'),
			delay: text('delay'),
			buffer: text('buffer'),
			bitrate: text('bitrate'),
			listeners: text('listeners'),
			toggle: document.getElementById('toggle').getAttribute('aria-pressed'),
			meterDrawn: drawn / (pixels.length / 4),
		};
	});
	assert.equal(shown.title, title);
	assert.match(shown.delay, /^\d+ (ms|毫秒)$/);
	assert.match(shown.buffer, /^\d+ (ms|毫秒)$/);
	assert.equal(shown.bitrate, '128 kbps');
	assert.ok(Number(shown.listeners) >= 1, `listeners shown: ${shown.listeners}`);
	assert.equal(shown.toggle, 'true');
	assert.ok(shown.meterDrawn > 0.01, `the meter is drawn (${(shown.meterDrawn * 100).toFixed(1)} % of its pixels)`);
}
