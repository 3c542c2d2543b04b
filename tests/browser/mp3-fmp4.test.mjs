// The player's MP3-in-fragmented-MP4 wrapping (data/web/mp3-fmp4.js), checked without a browser: LAME's frames
// (made by ffmpeg, bit reservoir off as the plugin encodes them) are grouped into events as the server sends them,
// wrapped, and the result must be an MP4 that ffmpeg reads as one MP3 track holding every frame, which decodes
// without an error to the same tone. Firefox's playback of the same bytes is checked in firefox.test.mjs.
// Run by CTest (label `player`) or by hand: `node --test mp3-fmp4.test.mjs`.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { initSegment, Mp3Fmp4Muxer } from '../../data/web/mp3-fmp4.js';
import { splitFrames } from '../../data/web/mp3-frames.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sse-audio-fmp4-'));
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));

function ffmpeg(...args) {
	return execFileSync('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', ...args], {
		encoding: 'utf8',
	});
}

// Whole MP3 frames of a tone: {bytes, frames}.
function encodeTone(sampleRate, channels, seconds) {
	const file = path.join(work, `tone-${sampleRate}-${channels}.mp3`);
	ffmpeg('-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=${sampleRate}:duration=${seconds}`, '-ac',
		String(channels), '-c:a', 'libmp3lame', '-b:a', '64k', '-reservoir', '0', '-write_xing', '0',
		'-id3v2_version', '0', file);
	const bytes = new Uint8Array(fs.readFileSync(file));
	return { bytes, frames: splitFrames(bytes).frames };
}

// Wraps the frames `perEvent` at a time, as the server groups them into events; returns the MP4 bytes and how many
// init segments were written.
function wrap(bytes, frames, perEvent, muxer = new Mp3Fmp4Muxer()) {
	const parts = [];
	let inits = 0;
	for (let i = 0; i < frames.length; i += perEvent) {
		const group = frames.slice(i, i + perEvent);
		const last = group[group.length - 1];
		const wrapped = muxer.wrap(bytes.subarray(group[0].offset, last.offset + last.length));
		if (wrapped.init) {
			parts.push(wrapped.init);
			inits++;
		}
		parts.push(wrapped.fragment);
	}
	return { mp4: Buffer.concat(parts.map((part) => Buffer.from(part))), inits };
}

function probe(file) {
	const out = execFileSync('ffprobe', ['-v', 'error', '-count_packets', '-show_streams', '-of', 'json', file], {
		encoding: 'utf8',
	});
	return JSON.parse(out).streams;
}

for (const [sampleRate, channels] of [
	[48000, 2],
	[44100, 1],
	[24000, 2], // MPEG-2 audio: a different object type in the esds box
]) {
	test(`${sampleRate} Hz, ${channels} channel(s): every frame becomes one sample that decodes cleanly`, () => {
		const { bytes, frames } = encodeTone(sampleRate, channels, 3);
		assert.ok(frames.length > 50, `the tone has frames (${frames.length})`);
		const { mp4, inits } = wrap(bytes, frames, 1);
		assert.equal(inits, 1, 'one init segment for one format');
		const file = path.join(work, `wrapped-${sampleRate}.mp4`);
		fs.writeFileSync(file, mp4);

		const streams = probe(file);
		assert.equal(streams.length, 1);
		const [audio] = streams;
		assert.equal(audio.codec_name, 'mp3');
		assert.equal(Number(audio.sample_rate), sampleRate);
		assert.equal(audio.channels, channels);
		assert.equal(Number(audio.nb_read_packets), frames.length, 'one sample per MP3 frame');

		// A damaged sample makes ffmpeg's decoder complain on stderr; the decoded tone keeps its pitch.
		const decoded = spawnSync('ffmpeg', ['-nostdin', '-v', 'error', '-i', file, '-ac', '1', '-f', 's16le', '-']);
		assert.equal(decoded.status, 0);
		assert.equal(decoded.stderr.toString(), '', 'decodes without an error');
		const pcm = new Int16Array(decoded.stdout.buffer, decoded.stdout.byteOffset, decoded.stdout.byteLength >> 1);
		// Rising crossings with hysteresis, over the loud part only (the decoder's start and end are near silence).
		let rising = 0;
		let low = false;
		let first = -1;
		let last = -1;
		for (let i = 0; i < pcm.length; i++) {
			if (pcm[i] < -2000) {
				low = true;
			} else if (low && pcm[i] > 2000) {
				low = false;
				rising++;
				first = first < 0 ? i : first;
				last = i;
			}
		}
		const hz = (rising - 1) / ((last - first) / sampleRate);
		assert.ok(Math.abs(hz - 440) < 5, `decoded tone at ${hz.toFixed(1)} Hz`);
	});
}

test('events of several frames keep every frame, and the decode time runs on', () => {
	const { bytes, frames } = encodeTone(48000, 2, 2);
	const file = path.join(work, 'grouped.mp4');
	fs.writeFileSync(file, wrap(bytes, frames, 4).mp4);
	const [audio] = probe(file);
	assert.equal(Number(audio.nb_read_packets), frames.length);
	const seconds = Number(audio.duration);
	assert.ok(Math.abs(seconds - (frames.length * 1152) / 48000) < 0.03, `duration ${seconds} s`);
});

test('a change of format (the output restarted at another rate) writes a new init segment', () => {
	const muxer = new Mp3Fmp4Muxer();
	const first = encodeTone(48000, 2, 1);
	const second = encodeTone(44100, 2, 1);
	assert.equal(wrap(first.bytes, first.frames, 2, muxer).inits, 1);
	assert.equal(wrap(first.bytes, first.frames, 2, muxer).inits, 0, 'the same format: no new init segment');
	assert.equal(wrap(second.bytes, second.frames, 2, muxer).inits, 1);
});

test('bytes without an MP3 frame give nothing to append', () => {
	assert.equal(new Mp3Fmp4Muxer().wrap(new Uint8Array(64)), null);
});

test('the init segment starts with ftyp and declares the MP3 object type', () => {
	const init = initSegment({ sampleRate: 48000, channels: 2, bitrateKbps: 128 });
	assert.equal(Buffer.from(init.subarray(4, 8)).toString('latin1'), 'ftyp');
	const esds = Buffer.from(init).indexOf('esds');
	assert.ok(esds > 0);
	// After the full box's version and flags: ES_Descriptor (tag 3, length, ES_ID, flags), then the
	// DecoderConfigDescriptor (tag 4, length) whose objectTypeIndication 0x6B is MPEG-1 audio.
	const es = esds + 4 + 4;
	assert.equal(init[es], 0x03);
	assert.equal(init[es + 5], 0x04);
	assert.equal(init[es + 7], 0x6b);
	const mpeg2 = initSegment({ sampleRate: 24000, channels: 1, bitrateKbps: 64 });
	assert.equal(mpeg2[Buffer.from(mpeg2).indexOf('esds') + 8 + 7], 0x69, 'MPEG-2 audio for the half rates');
});
