// MP3 frames in fragmented MP4 (ISO 14496-12 boxes, MP3 signalled as in ISO 14496-3's MPEG-1/2 audio object
// types): for browsers whose Media Source takes MP3 only inside MP4. Firefox rejects SourceBuffer('audio/mpeg') but
// accepts 'audio/mp4; codecs="mp3"', and Media Source is the only low-delay path it has on a page served over plain
// http from a LAN address (WebCodecs and AudioWorklet need a secure context).
//
// Each MP3 frame becomes one sample of one audio track. The init segment (ftyp + moov) says the sample rate and
// channel count; each event becomes one fragment (moof + mdat). The SourceBuffer runs in 'sequence' mode, so the
// fragments' decode times only need to increase.

import { splitFrames } from './mp3-frames.js';

export const MP4_MP3_MIME = 'audio/mp4; codecs="mp3"';

const TRACK_ID = 1;
// objectTypeIndication (ISO 14496-1 table 5): 0x6B MPEG-1 audio (32, 44.1, 48 kHz), 0x69 MPEG-2 audio (half rates).
const OBJECT_TYPE_MPEG1_AUDIO = 0x6b;
const OBJECT_TYPE_MPEG2_AUDIO = 0x69;
const STREAM_TYPE_AUDIO = 0x05;
const UNITY_MATRIX = [0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000];

class Writer {
	#bytes = [];

	u8(value) {
		this.#bytes.push(value & 0xff);
		return this;
	}

	u16(value) {
		return this.u8(value >>> 8).u8(value);
	}

	u24(value) {
		return this.u8(value >>> 16).u16(value & 0xffff);
	}

	u32(value) {
		return this.u16(value >>> 16).u16(value & 0xffff);
	}

	u64(value) {
		return this.u32(Math.floor(value / 2 ** 32)).u32(value % 2 ** 32);
	}

	zeros(count) {
		for (let i = 0; i < count; i++) {
			this.u8(0);
		}
		return this;
	}

	text(fourOrMore) {
		for (const char of fourOrMore) {
			this.u8(char.charCodeAt(0));
		}
		return this;
	}

	get array() {
		return Uint8Array.from(this.#bytes);
	}
}

// One array of all of `parts` (Uint8Arrays), in order; a single part is returned as it is.
export function concatBytes(parts) {
	if (parts.length === 1) {
		return parts[0];
	}
	const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
	let offset = 0;
	for (const part of parts) {
		out.set(part, offset);
		offset += part.byteLength;
	}
	return out;
}

function box(type, ...children) {
	const body = concatBytes(children);
	const head = new Writer().u32(8 + body.byteLength).text(type).array;
	return concatBytes([head, body]);
}

// A full box: version and flags before the body.
function fullBox(type, version, flags, body) {
	return box(type, new Writer().u8(version).u24(flags).array, body);
}

// ISO 14496-1 descriptors: a tag and a length (one byte is enough for everything written here).
function descriptor(tag, ...children) {
	const body = concatBytes(children);
	return concatBytes([new Writer().u8(tag).u8(body.byteLength).array, body]);
}

function matrix(writer) {
	for (const value of UNITY_MATRIX) {
		writer.u32(value);
	}
	return writer;
}

function esds(format) {
	const objectType = format.sampleRate >= 32000 ? OBJECT_TYPE_MPEG1_AUDIO : OBJECT_TYPE_MPEG2_AUDIO;
	const bitsPerSecond = format.bitrateKbps * 1000;
	const decoderConfig = descriptor(
		0x04,
		new Writer().u8(objectType).u8((STREAM_TYPE_AUDIO << 2) | 1).u24(0).u32(bitsPerSecond).u32(bitsPerSecond)
			.array,
	);
	const slConfig = descriptor(0x06, new Writer().u8(2).array); // predefined: MP4 files
	const es = descriptor(0x03, new Writer().u16(TRACK_ID).u8(0).array, decoderConfig, slConfig);
	return fullBox('esds', 0, 0, es);
}

function sampleEntry(format) {
	const fields = new Writer()
		.zeros(6)
		.u16(1) // data_reference_index
		.zeros(8) // version, revision, vendor
		.u16(format.channels)
		.u16(16) // sample size
		.u16(0) // pre_defined
		.u16(0) // reserved
		.u32(format.sampleRate * 65536).array; // 16.16 fixed point; every MP3 rate is below 65536
	return box('mp4a', fields, esds(format));
}

// ftyp + moov for one MP3 track: format {sampleRate, channels, bitrateKbps}.
export function initSegment(format) {
	const ftyp = box('ftyp', new Writer().text('isom').u32(0x200).text('isom').text('iso6').text('mp41').array);
	const mvhd = fullBox(
		'mvhd',
		0,
		0,
		matrix(new Writer().u32(0).u32(0).u32(1000).u32(0).u32(0x00010000).u16(0x0100).zeros(10))
			.zeros(24)
			.u32(TRACK_ID + 1).array,
	);
	const tkhd = fullBox(
		'tkhd',
		0,
		0x3, // enabled, in the movie
		matrix(new Writer().u32(0).u32(0).u32(TRACK_ID).u32(0).u32(0).zeros(8).u16(0).u16(0).u16(0x0100).u16(0))
			.u32(0)
			.u32(0).array,
	);
	const mdhd = fullBox(
		'mdhd',
		0,
		0,
		new Writer().u32(0).u32(0).u32(format.sampleRate).u32(0).u16(0x55c4).u16(0).array, // language 'und'
	);
	const hdlr = fullBox('hdlr', 0, 0, new Writer().u32(0).text('soun').zeros(12).text('SoundHandler').u8(0).array);
	const dataReference = fullBox('url ', 0, 1, new Uint8Array(0)); // flag 1: the media is in this file
	const dinf = box('dinf', fullBox('dref', 0, 0, concatBytes([new Writer().u32(1).array, dataReference])));
	const emptyTable = new Writer().u32(0).array;
	const stbl = box(
		'stbl',
		fullBox('stsd', 0, 0, concatBytes([new Writer().u32(1).array, sampleEntry(format)])),
		fullBox('stts', 0, 0, emptyTable),
		fullBox('stsc', 0, 0, emptyTable),
		fullBox('stsz', 0, 0, new Writer().u32(0).u32(0).array),
		fullBox('stco', 0, 0, emptyTable),
	);
	const minf = box('minf', fullBox('smhd', 0, 0, new Writer().u16(0).u16(0).array), dinf, stbl);
	const trak = box('trak', tkhd, box('mdia', mdhd, hdlr, minf));
	const trex = fullBox('trex', 0, 0, new Writer().u32(TRACK_ID).u32(1).u32(0).u32(0).u32(0).array);
	return concatBytes([ftyp, box('moov', mvhd, trak, box('mvex', trex))]);
}

// moof + mdat holding `frames` ({offset, length} into `bytes`, each `samplesPerFrame` long) from decode time
// `decodeTime` (in samples).
export function mediaSegment(sequence, decodeTime, bytes, frames, samplesPerFrame) {
	const mfhd = fullBox('mfhd', 0, 0, new Writer().u32(sequence).array);
	const tfhd = fullBox('tfhd', 0, 0x020000, new Writer().u32(TRACK_ID).array); // default-base-is-moof
	const tfdt = fullBox('tfdt', 1, 0, new Writer().u64(decodeTime).array);
	const trunFlags = 0x000001 | 0x000100 | 0x000200; // data offset, sample durations, sample sizes
	const trunSize = 12 + 4 + 4 + frames.length * 8;
	const moofSize = 8 + mfhd.byteLength + 8 + tfhd.byteLength + tfdt.byteLength + trunSize;
	const trunBody = new Writer().u32(frames.length).u32(moofSize + 8); // the first sample follows mdat's header
	for (const frame of frames) {
		trunBody.u32(samplesPerFrame).u32(frame.length);
	}
	const trun = fullBox('trun', 0, trunFlags, trunBody.array);
	const moof = box('moof', mfhd, box('traf', tfhd, tfdt, trun));
	const payload = concatBytes(frames.map((frame) => bytes.subarray(frame.offset, frame.offset + frame.length)));
	return concatBytes([moof, box('mdat', payload)]);
}

// Turns events of whole MP3 frames into what a SourceBuffer(MP4_MP3_MIME) takes: an init segment before the first
// fragment and again whenever the format changes (the output was restarted at another sample rate).
export class Mp3Fmp4Muxer {
	#format = null;
	#sequence = 0;
	#decodeTime = 0;

	// Returns {init, fragment}: `init` (an init segment, or null when the last one still holds) goes first;
	// null when `bytes` held no MP3 frame.
	wrap(bytes) {
		const split = splitFrames(bytes);
		if (split.frames.length === 0) {
			return null;
		}
		const samplesPerFrame = split.samples / split.frames.length;
		const format = { sampleRate: split.sampleRate, channels: split.channels, bitrateKbps: split.bitrateKbps };
		const known = this.#format;
		let init = null;
		if (!known || known.sampleRate !== format.sampleRate || known.channels !== format.channels) {
			this.#format = format;
			init = initSegment(format);
		}
		this.#sequence++;
		const fragment = mediaSegment(this.#sequence, this.#decodeTime, bytes, split.frames, samplesPerFrame);
		this.#decodeTime += split.samples;
		return { init, fragment };
	}
}
