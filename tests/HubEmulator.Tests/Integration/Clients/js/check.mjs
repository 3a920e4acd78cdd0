// The official JS client against the emulator: HF_ENDPOINT is the emulator, REPO a sample model.
// Prints what modelInfo and downloadFile answered as one JSON line; the C# test asserts it.
import { modelInfo, downloadFile } from "@huggingface/hub";

const hubUrl = process.env.HF_ENDPOINT.replace(/\/$/, "");
const name = process.env.REPO;
const accessToken = process.env.HF_TOKEN || undefined;

const info = await modelInfo({ name, hubUrl, accessToken, additionalFields: ["sha"] });
const blob = await downloadFile({ repo: name, path: "README.md", hubUrl, accessToken });
const text = blob ? await blob.text() : null;
const missing = await downloadFile({ repo: name, path: "no-such-file.bin", hubUrl, accessToken });
console.log(JSON.stringify({
  name: info.name, id: info.id, sha: info.sha, downloads: info.downloads, task: info.task ?? null,
  readmeSize: blob?.size ?? null, readme: text, missing,
}));
