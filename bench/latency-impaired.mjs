// The impaired-network half of bench/latency (`bench/latency --impaired`): the player in Chromium, Firefox and
// WebKitGTK, each through the impairing proxy (tests/browser/lib/impair-proxy.mjs) on every profile, heard by the
// ear on the PulseAudio sink (tests/browser/lib/ear.mjs) with the host's tone marks giving the delay from OBS to
// the ear. Prints one line per browser and profile and writes bench/results/latency-impaired.{md,json}.
// BROWSERS=chromium,firefox,webkit and PROFILES=clean,cut,freeze,jitter,thin choose what runs.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { BROWSERS, openBrowser } from '../tests/browser/lib/browsers.mjs';
import { startEar } from '../tests/browser/lib/ear.mjs';
import { freePort, Host, paths, sleep } from '../tests/browser/lib/host.mjs';
import { startImpairProxy } from '../tests/browser/lib/impair-proxy.mjs';
import { describe, listenThrough, MARK_EVERY_MS } from '../tests/browser/lib/listening.mjs';
import { openAndPlay } from '../tests/browser/lib/player-checks.mjs';
import { startPulse } from '../tests/browser/lib/pulse.mjs';

const SECONDS = { clean: 15, cut: 21, freeze: 14, jitter: 15, thin: 15 };
const OPTIONS = { thin: { bytesPerSecond: 17000 } }; // ~70 % of what a 128 kbps stream takes as SSE
const browsers = (process.env.BROWSERS || BROWSERS.join(',')).split(',');
const profiles = (process.env.PROFILES || Object.keys(SECONDS).join(',')).split(',');

const results = [];
const versions = {};
for (const browser of browsers) {
	const pulse = await startPulse();
	const host = new Host({ port: await freePort(), title: 'Latency benchmark (impaired)', args: ['--tone-marks', String(MARK_EVERY_MS)] });
	let proxy;
	let ear;
	let opened;
	try {
		await host.start();
		proxy = await startImpairProxy({ targetPort: host.port });
		ear = await startEar(pulse.env);
		opened = await openBrowser(browser, pulse);
		versions[browser] = opened.version;
		await openAndPlay(opened.page, proxy.url);
		await sleep(3000);
		for (const profile of profiles) {
			const f = await listenThrough(opened.page, { host, proxy, ear, profile, seconds: SECONDS[profile], options: OPTIONS[profile] });
			console.log(describe(browser, f));
			results.push({ browser, ...f });
		}
	} finally {
		await opened?.close();
		await ear?.stop();
		await proxy?.close();
		await host.stop();
		await pulse.stop();
	}
}

const when = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const row = (r) => {
	const d = r.heardDelayMs;
	const p = r.pageDelayMs;
	return `| ${r.browser} | ${r.profile} | ${r.path} | ${(r.heardShare * 100).toFixed(1)} % | ${r.gaps} (${r.silenceMs} ms, longest ${r.longestGapMs} ms) | ${r.marksHeard}/${r.marksSent} | ${r.underruns} / ${r.stalls} | ${d.before} / ${d.during} / ${d.after} | ${p.before} / ${p.during} / ${p.after} | ${r.pageErrorMs ?? '-'} | ${r.targetBufferMs.before}→${r.targetBufferMs.after} | ${r.slowLinkShown ? 'yes' : 'no'} |`;
};
const markdown = `# Player through bad networks (bench/latency --impaired)

Measured ${when} on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), loopback through the impairing
proxy (tests/browser/lib/impair-proxy.mjs), obs-sse-audio-host playing a 440 Hz tone at 48 kHz, 128 kbps, with a
100 ms mark at 880 Hz every ${MARK_EVERY_MS / 1000} s. Browsers: ${Object.entries(versions).map(([b, v]) => `${b} ${v}`).join(', ')}, each
playing into its own PulseAudio null sink, whose monitor the ear records. Each profile runs between clean spells:
6.5 s measured before, the profile, 10 s to recover, 6.5 s measured after.

- heard: share of 10 ms windows with sound at the sink while impaired; silences of 30 ms or more.
- marks: marks captured while impaired that were heard (a dropped backlog loses marks).
- delay heard: from a mark entering the plugin's output to its onset at the sink (median), before / during /
  after; delay shown: the page's own figure (median) over the same spells; shown − heard: for each mark heard in
  the clean spell before, the page's figure when the ear heard it minus the delay heard (median).
- Profiles: cut = every connection closed every 10 s; freeze = nothing delivered for 2.5 s every 10 s, then all
  of it; jitter = each chunk held 0–80 ms; thin = 17 kB/s, about 70 % of what the stream takes as SSE.

| browser | profile | path | heard | silences | marks | underruns / stalls | delay heard (ms) | delay shown (ms) | shown − heard (ms) | buffer target (ms) | "too slow" shown |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${results.map(row).join('\n')}
`;
fs.mkdirSync(path.join(paths.repo, 'bench/results'), { recursive: true });
fs.writeFileSync(path.join(paths.repo, 'bench/results/latency-impaired.md'), markdown);
fs.writeFileSync(path.join(paths.repo, 'bench/results/latency-impaired.json'), `${JSON.stringify({ when, versions, results }, null, 2)}\n`);
console.log('written: bench/results/latency-impaired.md, bench/results/latency-impaired.json');
