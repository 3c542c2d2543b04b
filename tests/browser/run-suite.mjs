// Runs one browser suite (`node run-suite.mjs chromium|firefox`) after checking that what it needs is here: the
// npm packages (`npm ci` in this folder), the browser, PulseAudio and the host. When something is missing it says
// what and exits 77, which CTest reports as skipped, unless SSE_AUDIO_REQUIRE_BROWSER_TESTS=1 (scripts/test.sh
// sets it), where a missing piece is a failure.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { paths } from './lib/host.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const suites = {
	chromium: { package: 'playwright-core', browser: process.env.CHROMIUM || '/usr/bin/chromium' },
	firefox: { package: 'puppeteer-core', browser: process.env.FIREFOX || '/usr/bin/firefox-esr' },
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
if (!fs.existsSync(suite.browser)) {
	missing.push(suite.browser);
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
