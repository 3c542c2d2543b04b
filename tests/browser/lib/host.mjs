// Runs obs-sse-audio-host (real libobs with the real plugin, playing a 440 Hz tone) for the browser tests, the way
// the integration tests do: arguments in, commands on standard input, status lines on standard output. libobs
// needs an X display: without DISPLAY the host runs under xvfb-run. Every wait is bounded; the process group is
// always ended.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');
const buildDir = process.env.BUILD_DIR ? path.resolve(repo, process.env.BUILD_DIR) : path.join(repo, 'build/ci');

export const paths = {
	repo,
	host: process.env.SSE_AUDIO_HOST || path.join(buildDir, 'src/host/obs-sse-audio-host'),
	module: process.env.SSE_AUDIO_MODULE || path.join(buildDir, 'src/obs/obs-sse-audio.so'),
	data: process.env.SSE_AUDIO_DATA || path.join(repo, 'data'),
	artifacts: process.env.SSE_AUDIO_ARTIFACTS || path.join(repo, 'tests/artifacts'),
};

// A TCP port on 127.0.0.1 that was free a moment ago.
export function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// How many MARK lines a Host keeps (`--tone-marks`: one line per mark, at most five a second).
const KEPT_MARKS = 2000;

export class Host {
	// With `--tone-marks MS` in `args`: the capture times (ms since the epoch, the reference of the stream's timing
	// events) of the tone's marks, oldest first, the last KEPT_MARKS of them. MARK lines go here only, not to
	// waitForLine or output(): they come all the time and would bury the status lines.
	marks = [];
	#child = null;
	#lines = [];
	#next = 0; // first line not yet returned by waitForLine
	#waiters = [];
	#exited = null;
	#stderr = [];
	// libobs's lines about the mix's timing (audio buffering added, a source's audio too late or dropped), with
	// when they came: a silence a test hears may have been in the mix itself, and these tell it apart.
	mixNotes = [];

	constructor({ port, title = 'Browser test tone', args = [] }) {
		this.port = port;
		this.title = title;
		this.args = args;
	}

	get url() {
		return `http://127.0.0.1:${this.port}/`;
	}

	// Starts the host and waits for `READY <port>`; throws with the host's output when it does not come.
	async start(timeoutMs = 30000) {
		const hostArgs = ['--module', paths.module, '--data', paths.data, '--port', String(this.port), '--bind',
			'127.0.0.1', '--title', this.title, '--tone', '440', ...this.args];
		const [command, args] = process.env.DISPLAY
			? [paths.host, hostArgs]
			: ['xvfb-run', ['-a', '-s', '-screen 0 640x480x24', paths.host, ...hostArgs]];
		// Its own process group, so that xvfb-run, Xvfb and the host end together.
		this.#child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
		this.#exited = new Promise((resolve) => this.#child.once('exit', (code, signal) => resolve({ code, signal })));
		let pending = '';
		this.#child.stdout.setEncoding('utf8');
		this.#child.stdout.on('data', (text) => {
			pending += text;
			let newline;
			while ((newline = pending.indexOf('\n')) >= 0) {
				const line = pending.slice(0, newline);
				pending = pending.slice(newline + 1);
				if (line.startsWith('MARK ')) {
					this.marks.push(Number(line.slice(5)));
					if (this.marks.length > KEPT_MARKS) {
						this.marks.splice(0, this.marks.length - KEPT_MARKS);
					}
				} else {
					this.#lines.push(line);
				}
			}
			this.#wake();
		});
		this.#child.stderr.setEncoding('utf8');
		this.#child.stderr.on('data', (text) => {
			for (const line of text.split('\n')) {
				if (/audio buffering|lagging|too late|timestamp|dropp/i.test(line) && this.mixNotes.length < 100) {
					this.mixNotes.push(`${new Date().toISOString().slice(11, 23)} ${line.trim()}`);
				}
			}
			this.#stderr.push(text);
			if (this.#stderr.length > 200) {
				this.#stderr.shift();
			}
		});
		this.#exited.then(() => this.#wake());
		const line = await this.waitForLine(['READY', 'START FAILED', 'error'], timeoutMs);
		if (!line || !line.startsWith('READY')) {
			const output = this.output();
			await this.kill();
			throw new Error(`host did not start (${line ?? 'timeout'}):\n${output}`);
		}
	}

	output() {
		return `stdout:\n${this.#lines.join('\n')}\nstderr (tail):\n${this.#stderr.join('').split('\n').slice(-30).join('\n')}`;
	}

	#wake() {
		for (const wake of this.#waiters.splice(0)) {
			wake();
		}
	}

	// The next stdout line (after those already returned) starting with one of `prefixes`, or null on timeout/exit.
	async waitForLine(prefixes, timeoutMs) {
		const deadline = Date.now() + timeoutMs;
		for (let round = 0; round < 100000; round++) {
			while (this.#next < this.#lines.length) {
				const line = this.#lines[this.#next++];
				if (prefixes.some((prefix) => line.startsWith(prefix))) {
					return line;
				}
			}
			const left = deadline - Date.now();
			if (left <= 0 || this.#child.exitCode !== null || this.#child.signalCode !== null) {
				return null;
			}
			await new Promise((resolve) => {
				const timer = setTimeout(resolve, Math.min(left, 500));
				this.#waiters.push(() => {
					clearTimeout(timer);
					resolve();
				});
			});
		}
		return null;
	}

	// Sends a command (`stop`, `start`, `restart`, `quit`) on standard input.
	send(command) {
		this.#child.stdin.write(`${command}\n`);
	}

	// Ends the whole process group at once, like a crash would, and removes the folder the host could not.
	async kill() {
		if (!this.#child || this.#child.exitCode !== null || this.#child.signalCode !== null) {
			return;
		}
		const hosts = this.#hostPids();
		try {
			process.kill(-this.#child.pid, 'SIGKILL');
		} catch {
			// already gone
		}
		await Promise.race([this.#exited, sleep(5000)]);
		for (const pid of hosts) {
			fs.rmSync(path.join(os.tmpdir(), `obs-sse-audio-host-${pid}`), { recursive: true, force: true });
		}
	}

	// Ids of the host processes in our group (under xvfb-run the host is not our direct child).
	#hostPids() {
		const pids = [];
		for (const entry of fs.readdirSync('/proc')) {
			if (!/^\d+$/.test(entry)) {
				continue;
			}
			try {
				const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
				const close = stat.lastIndexOf(')');
				const comm = stat.slice(stat.indexOf('(') + 1, close);
				const group = Number(stat.slice(close + 2).split(' ')[2]);
				if (group === this.#child.pid && comm.startsWith('obs-sse-audio')) {
					pids.push(Number(entry));
				}
			} catch {
				// the process ended meanwhile
			}
		}
		return pids;
	}

	// Asks the host to quit, then ends the group if it has not within a few seconds.
	async stop() {
		if (!this.#child || this.#child.exitCode !== null || this.#child.signalCode !== null) {
			return;
		}
		try {
			this.send('quit');
		} catch {
			// stdin closed: the kill below ends it
		}
		const exited = await Promise.race([this.#exited.then(() => true), sleep(8000).then(() => false)]);
		if (!exited) {
			await this.kill();
		} else {
			try {
				process.kill(-this.#child.pid, 'SIGTERM'); // Xvfb, when xvfb-run left it behind
			} catch {
				// the group is gone
			}
		}
	}
}
