// The three browsers the player is proved in, launched the same way for the impaired-network checks and for
// bench/latency: Debian's Chromium (playwright-core), Firefox ESR (puppeteer-core over WebDriver BiDi) and
// WebKitGTK's MiniBrowser (WebKitWebDriver, lib/webkit-driver.mjs). Each plays into the private PulseAudio of
// `pulse` (lib/pulse.mjs), audibly: the ear (lib/ear.mjs) listens there. Returns {page, version, close()} where
// page is bounded (lib/player-checks.mjs boundedPage).

import { createRequire } from 'node:module';

import { boundedPage } from './player-checks.mjs';
import { launchWebKit } from './webkit-driver.mjs';
import { WebKitPage } from './webkit-page.mjs';

const require = createRequire(import.meta.url);
export const BROWSERS = ['chromium', 'firefox', 'webkit'];

export const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--autoplay-policy=no-user-gesture-required',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
	'--disable-quic',
];

// Headless Firefox needs no X display; it is kept off X so that nothing of the display can stall it.
function withoutDisplay(env) {
	const { DISPLAY, WAYLAND_DISPLAY, ...rest } = env;
	return rest;
}

// Firefox ESR's first start on a fresh machine creates its profile and caches (start-up cache, fonts): on two busy
// cores that has taken more than puppeteer's default 30 s before the WebDriver BiDi address appeared, so the start
// is bounded at FIREFOX_START_MS and its time is logged, to show how close a run came.
const FIREFOX_START_MS = 90000;

export async function launchFirefox(pulse) {
	const puppeteer = require('puppeteer-core');
	const began = Date.now();
	const browser = await puppeteer.launch({
		browser: 'firefox',
		protocol: 'webDriverBiDi',
		executablePath: process.env.FIREFOX || '/usr/bin/firefox-esr',
		headless: true,
		timeout: FIREFOX_START_MS,
		env: withoutDisplay({ ...process.env, ...pulse.env }),
		extraPrefsFirefox: { 'media.autoplay.default': 0, 'intl.accept_languages': 'en-US, en' },
	});
	console.log(`# firefox started in ${Date.now() - began} ms`);
	return browser;
}

// Closes a Firefox from launchFirefox within `ms`; one that does not answer is killed, so closing cannot hang a
// test.
export async function closeFirefox(browser, ms = 15000) {
	let timer;
	const closed = await Promise.race([
		browser.close().then(() => true, () => false),
		new Promise((resolve) => {
			timer = setTimeout(() => resolve(false), ms);
		}),
	]);
	clearTimeout(timer);
	if (!closed) {
		console.log(`# firefox did not close within ${ms} ms: killed`);
		browser.process()?.kill('SIGKILL');
	}
}

export async function openBrowser(name, pulse) {
	if (name === 'chromium') {
		const { chromium } = require('playwright-core');
		const browser = await chromium.launch({
			executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
			headless: true,
			args: CHROMIUM_ARGS,
			ignoreDefaultArgs: ['--mute-audio'], // playwright mutes headless Chromium; the ear must hear it
			env: { ...process.env, ...pulse.env },
		});
		const context = await browser.newContext({ viewport: { width: 480, height: 900 }, locale: 'en-US' });
		return { page: boundedPage(await context.newPage()), version: browser.version(), close: () => browser.close() };
	}
	if (name === 'firefox') {
		const browser = await launchFirefox(pulse);
		const page = await browser.newPage();
		await page.setViewport({ width: 480, height: 900 });
		return { page: boundedPage(page), version: await browser.version(), close: () => closeFirefox(browser) };
	}
	if (name === 'webkit') {
		const webkit = await launchWebKit({ env: pulse.env });
		const page = new WebKitPage(webkit.driver, webkit.close);
		const version = await webkit.driver.getCapabilities().then((caps) => caps.get('browserVersion'));
		return { page: boundedPage(page, 20000), version, close: () => webkit.close() };
	}
	throw new Error(`unknown browser ${name}: one of ${BROWSERS.join(', ')}`);
}
