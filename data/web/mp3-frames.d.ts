// Types of obs-sse-audio-player/mp3-frames (mp3-frames.js): MPEG audio Layer III frame headers.

export interface FrameHeader {
	length: number;
	sampleRate: number;
	samples: number;
	channels: 1 | 2;
	bitrateKbps: number;
}

export declare function readFrameHeader(bytes: Uint8Array, offset: number): FrameHeader | null;
export declare function frameCarriesSound(bytes: Uint8Array, offset: number, header: FrameHeader): boolean;
export declare function splitFrames(bytes: Uint8Array): {
	frames: { offset: number; length: number }[];
	sampleRate: number;
	channels: number;
	samples: number;
	bitrateKbps: number;
	audible: boolean;
};
