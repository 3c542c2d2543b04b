// The player through bad networks, as a listener notices it, for each browser suite: a host whose tone carries
// marks, the impairing proxy between it and the page, and the ear on the PulseAudio sink (lib/listening.mjs). One
// call runs every profile on one page and asserts what must hold; the figures are logged and returned.
//
// The bounds, and why:
// - clean (measured before the cut profile): what the ear hears is what the page says, within ±30 ms, compared
//   mark by mark with the figure the page showed when the ear heard it; where the page leaves out what the sound
//   system buffers (Firefox: reading it can hang the page), up to 70 ms below (WebKit: logged only, see
//   docs/player.md: its output buffering is reported by no API);
// - cut (twice in 21 s): each cut costs well under 0.5 s of silence, every mark is heard (the resumed audio is
//   played, not dropped), and the delay is back within 80 ms of where it was;
// - freeze (2.5 s without data, then all of it): the buffer target is not raised for it, the player counts a stall
//   instead of underruns (none left counted from the freeze to 1 s after it: running dry elsewhere is each suite's
//   own clean-network check, and is logged here), and the delay is back within 80 ms of where it was within 10 s;
// - jitter (0-80 ms per chunk): sound at least 97 % of the time;
// - thin (a link below the stream's rate): the page says the connection is too slow.
// Never "Live" while the ear heard nothing for half a second.

import assert from 'node:assert/strict';

import { openBrowser } from './browsers.mjs';
import { startEar } from './ear.mjs';
import { freePort, Host, sleep } from './host.mjs';
import { startImpairProxy } from './impair-proxy.mjs';
import { describe, listenThrough, MARK_EVERY_MS } from './listening.mjs';
import * as checks from './player-checks.mjs';
import { startPulse } from './pulse.mjs';

// A 128 kbps stream takes about 23.5 kB/s as SSE on the wire (base64, event framing): 17 kB/s is ~70 % of it.
const THIN_BYTES_PER_SECOND = 17000;
// How far below the heard delay the page's figure may be where it leaves out the sound system's buffering.
const DEVICE_LATENCY_UNREAD_MS = 70;
const PROFILES = [
	{ profile: 'cut', seconds: 21 },
	{ profile: 'freeze', seconds: 14 },
	{ profile: 'jitter', seconds: 10 },
	{ profile: 'thin', seconds: 14, options: { bytesPerSecond: THIN_BYTES_PER_SECOND } },
];

// Opens `browser` (lib/browsers.mjs) and runs every profile. Returns the figures. It has a PulseAudio server of its
// own: the ear must hear this page alone, not a suite's other pages still playing.
// strict: false logs the cut, freeze and jitter figures instead of asserting them (WebKit, see docs/player.md).
export async function checkImpairedNetworks(browser, { delayMustMatch = true, strict = true } = {}) {
	const host = new Host({ port: await freePort(), title: `Impaired network (${browser})`, args: ['--tone-marks', String(MARK_EVERY_MS)] });
	const pulse = await startPulse();
	let proxy;
	let ear;
	let opened;
	const results = [];
	try {
		await host.start();
		proxy = await startImpairProxy({ targetPort: host.port });
		ear = await startEar(pulse.env);
		opened = await openBrowser(browser, pulse);
		const page = opened.page;
		await checks.openAndPlay(page, proxy.url);
		await sleep(3000);
		for (const { profile, seconds, options } of PROFILES) {
			const f = await listenThrough(page, { host, proxy, ear, profile, seconds, options });
			console.log(`# ${describe(browser, f)}`);
			results.push(f);
			const d = f.heardDelayMs;
			assert.equal(f.liveWhileSilent, 0, `${profile}: the page read Live while nothing was heard`);
			if (!strict) {
				continue; // logged only: WebKit, see docs/player.md
			}
			if (profile === 'cut') {
				if (delayMustMatch) {
					// Where the page cannot read what the sound system buffers after the browser (Firefox, see
					// data/web/output.js), its figure is lower than the heard one by that much: 24-25 ms here.
					const below = f.deviceLatencyIncluded ? 30 : DEVICE_LATENCY_UNREAD_MS;
					assert.ok(f.pageErrorMs !== null && f.pageErrorMs <= 30 && f.pageErrorMs >= -below,
						`the page's delay figure vs the delay heard, mark by mark: ${f.pageErrorMs} ms, allowed -${below}..30 ` +
						`(medians: page ${f.pageDelayMs.before} ms, heard ${d.before} ms)`);
				}
				assert.ok(f.proxy.cuts >= 2, `cuts made: ${f.proxy.cuts}`);
				assert.ok(f.silenceMs / f.proxy.cuts < 500, `silence per cut ${f.silenceMs / f.proxy.cuts} ms`);
				assert.ok(f.marksHeard >= f.marksSent - 1, `marks heard ${f.marksHeard} of ${f.marksSent}: resumed audio played`);
				assert.ok(d.after <= d.before + 80, `delay after the cuts ${d.after} ms, before ${d.before} ms`);
			} else if (profile === 'freeze') {
				assert.ok(f.stalls >= 1, 'the freeze is counted as a stall');
				assert.equal(f.freezeUnderruns, 0, 'a freeze is not counted as the player running dry');
				assert.ok(f.targetBufferMs.after <= f.targetBufferMs.before, `target ${f.targetBufferMs.before}→${f.targetBufferMs.after} ms`);
				assert.ok(d.after <= d.before + 80, `delay 10 s after the freeze ${d.after} ms, before ${d.before} ms`);
			} else if (profile === 'jitter') {
				assert.ok(f.heardShare >= 0.97, `sound ${(f.heardShare * 100).toFixed(1)} % of the time`);
			} else if (profile === 'thin') {
				assert.ok(f.slowLinkShown, 'the page says the connection is too slow');
			}
		}
		return results;
	} finally {
		await opened?.close();
		await ear?.stop();
		await proxy?.close();
		await host.stop();
		await pulse.stop();
	}
}
