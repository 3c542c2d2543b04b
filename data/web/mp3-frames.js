// MPEG audio Layer III frame headers (ISO 11172-3, ISO 13818-3): enough to split an event into frames and to know
// how much sound it holds, without decoding it.

const BITRATES_KBPS = {
	mpeg1: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
	mpeg2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const SAMPLE_RATES = [44100, 48000, 32000];

// The header at `offset`, or null when there is none: {length, sampleRate, samples, channels, bitrateKbps}.
export function readFrameHeader(bytes, offset) {
	if (offset + 4 > bytes.length || bytes[offset] !== 0xff || (bytes[offset + 1] & 0xe0) !== 0xe0) {
		return null;
	}
	const b1 = bytes[offset + 1];
	const b2 = bytes[offset + 2];
	const b3 = bytes[offset + 3];
	const version = (b1 >> 3) & 3; // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
	const layer = (b1 >> 1) & 3; // 1: Layer III
	const bitrateIndex = b2 >> 4;
	const rateIndex = (b2 >> 2) & 3;
	if (version === 1 || layer !== 1 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) {
		return null;
	}
	const mpeg1 = version === 3;
	const bitrateKbps = (mpeg1 ? BITRATES_KBPS.mpeg1 : BITRATES_KBPS.mpeg2)[bitrateIndex];
	const sampleRate = SAMPLE_RATES[rateIndex] / (mpeg1 ? 1 : version === 2 ? 2 : 4);
	const padding = (b2 >> 1) & 1;
	const samples = mpeg1 ? 1152 : 576;
	const length = Math.floor(((samples / 8) * bitrateKbps * 1000) / sampleRate) + padding;
	return { length, sampleRate, samples, channels: b3 >> 6 === 3 ? 1 : 2, bitrateKbps };
}

// Whether the Layer III frame at `offset` (its header already read) codes any sound: a granule that codes none has
// part2_3_length 0 (no scale factors, no Huffman data), which is how LAME codes digital silence. So the page can
// tell a silent stream (nothing to hear) from a path that plays nothing, without decoding. The side information
// follows the header (and its CRC, when the protection bit says there is one).
export function frameCarriesSound(bytes, offset, header) {
	const mpeg1 = header.samples === 1152;
	const channels = header.channels;
	let bit = (offset + ((bytes[offset + 1] & 1) === 0 ? 6 : 4)) * 8;
	const read = (count) => {
		let value = 0;
		for (let i = 0; i < count; i++, bit++) {
			value = (value << 1) | ((bytes[bit >> 3] >> (7 - (bit & 7))) & 1);
		}
		return value;
	};
	// main_data_begin, private bits and (MPEG-1) scfsi come before the granules
	bit += mpeg1 ? 9 + (channels === 1 ? 5 : 3) + 4 * channels : 8 + (channels === 1 ? 1 : 2);
	const granuleBits = mpeg1 ? 47 : 51; // what follows part2_3_length in one granule's side information
	for (let i = 0; i < (mpeg1 ? 2 : 1) * channels; i++) {
		if (read(12) > 0) {
			return true;
		}
		bit += granuleBits;
	}
	return false;
}

// Splits `bytes` into whole frames. Returns {frames: [{offset, length}], sampleRate, channels, samples, bitrateKbps,
// audible} where `samples` counts every frame's samples (per channel) and `audible` says whether any frame codes
// sound (see frameCarriesSound). Bytes that are not a frame are skipped.
export function splitFrames(bytes) {
	const frames = [];
	let first = null;
	let samples = 0;
	let offset = 0;
	let audible = false;
	while (offset + 4 <= bytes.length) {
		const header = readFrameHeader(bytes, offset);
		if (!header || offset + header.length > bytes.length) {
			offset++;
			continue;
		}
		first ??= header;
		frames.push({ offset, length: header.length });
		audible ||= header.length > 36 && frameCarriesSound(bytes, offset, header);
		samples += header.samples;
		offset += header.length;
	}
	return {
		frames,
		samples,
		sampleRate: first ? first.sampleRate : 0,
		channels: first ? first.channels : 0,
		bitrateKbps: first ? first.bitrateKbps : 0,
		audible,
	};
}
