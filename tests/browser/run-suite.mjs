// Runs one browser suite (`node run-suite.mjs chromium|firefox|webkit`) after checking that what it needs is here:
// the npm packages (`npm ci` in this folder), the browser (for WebKit also its driver and GStreamer's PulseAudio
// sink), PulseAudio, an X server (for the host, and for MiniBrowser, which has no headless mode) and the host. When
// something is missing it says what and exits 77, which CTest reports as skipped, unless
// SSE_AUDIO_REQUIRE_BROWSER_TESTS=1 (scripts/test.sh sets it), where a missing piece is a failure.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { paths } from './lib/host.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const suites = {
	chromium: { package: 'playwright-core', browser: process.env.CHROMIUM || '/usr/bin/chromium' },
	firefox: { package: 'puppeteer-core', browser: process.env.FIREFOX || '/usr/bin/firefox-esr' },
	// WebKitGTK's MiniBrowser under WebKitWebDriver, on a private Xvfb (lib/webkit-driver.mjs). It plays through
	// GStreamer's pulsesink (gstreamer1.0-pulseaudio): without it WebKit finds no sound server.
	webkit: {
		package: 'selenium-webdriver',
		browser: process.env.MINIBROWSER || '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
		files: [
			process.env.WEBKIT_WEBDRIVER || '/usr/bin/WebKitWebDriver',
			'/usr/lib/x86_64-linux-gnu/gstreamer-1.0/libgstpulseaudio.so',
		],
		programs: ['Xvfb'],
	},
};

const name = process.argv[2];
const suite = suites[name];
if (!suite) {
	console.error(`usage: node run-suite.mjs ${Object.keys(suites).join('|')}`);
	process.exit(2);
}
const onPath = (program) =>
	(process.env.PATH || '').split(':').some((dir) => dir && fs.existsSync(path.join(dir, program)));
const missing = [];
if (!fs.existsSync(path.join(here, 'node_modules', suite.package, 'package.json'))) {
	missing.push(`${suite.package} (run npm ci in ${here})`);
}
for (const file of [suite.browser, ...(suite.files ?? [])]) {
	if (!fs.existsSync(file)) {
		missing.push(file);
	}
}
for (const program of suite.programs ?? []) {
	if (!onPath(program)) {
		missing.push(program);
	}
}
if (!onPath('pulseaudio')) {
	missing.push('pulseaudio');
}
if (!process.env.DISPLAY && !onPath('xvfb-run')) {
	missing.push('xvfb-run (or an X display)');
}
for (const file of [paths.host, paths.module]) {
	if (!fs.existsSync(file)) {
		missing.push(file);
	}
}
if (missing.length) {
	console.log(`# browser tests (${name}) need: ${missing.join(', ')}`);
	process.exit(process.env.SSE_AUDIO_REQUIRE_BROWSER_TESTS === '1' ? 1 : 77);
}
await import(`./${name}.test.mjs`);
