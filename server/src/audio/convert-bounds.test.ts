import { afterAll, describe, expect, it } from 'vitest';
import { ffmpegHere, ffmpegSkipNote, limitedFfmpeg, silentFlac, toneWav, withClaimedSamples } from '../testing/audio-bombs.ts';
import { MAX_CONVERTED_SECONDS, probeAudio, toDatasetWav } from './convert.ts';
import { detectAudioTools } from './tools.ts';

/** Address space for the limited ffmpeg: ordinary conversions need ~300 MB of it. */
const FFMPEG_KIB = 1024 * 1024;

describe.skipIf(!ffmpegHere)('conversions stay bounded whatever the file claims' + ffmpegSkipNote, () => {
  const toolsP = detectAudioTools();
  const cleanups: (() => void)[] = [];
  afterAll(() => cleanups.forEach((c) => c()));

  it('one FLAC frame of 65,535 samples at 1 Hz (18 h) claiming 2 s: trimmed before resampling, refused as too long within 1 GB', async () => {
    const tools = await toolsP;
    const limited = limitedFfmpeg(tools.ffmpeg!, FFMPEG_KIB);
    cleanups.push(limited.dispose);
    const bomb = withClaimedSamples(await silentFlac({ rate: 1, seconds: 65535, frameSize: 65535 }), 2);
    // The header lies and the probe believes it: only the conversion's own bounds are left.
    expect(await probeAudio(tools, bomb)).toMatchObject({ codec: 'flac', sampleRate: 1, durationSec: 2 });
    const capped = { ...tools, ffmpeg: limited.path };
    // The memory limit is no obstacle to ordinary audio…
    expect((await toDatasetWav(capped, toneWav(44100, 3))).length).toBeGreaterThan(3 * 48000 * 2);
    // …while resampling that frame whole would need 65,535 × 48,000 samples (~6 GB): before the
    // input was trimmed, ffmpeg failed here with "Cannot allocate memory".
    const t0 = performance.now();
    const err = await toDatasetWav(capped, bomb).catch((e: unknown) => e);
    console.log(`1 Hz FLAC bomb (${bomb.length} bytes): refused in ${(performance.now() - t0).toFixed(0)} ms under a ${FFMPEG_KIB >> 10} MB limit`);
    expect(err).toMatchObject({ kind: 'invalid-input', message: `the audio is longer than ${MAX_CONVERTED_SECONDS - 1} s` });
  });

  it('a FLAC of 16-sample frames with no length in its header: the packet scan stops just past the limit', async () => {
    const tools = await toolsP;
    // 120 s in 360,000 frames, ~5 MB; STREAMINFO says "length unknown", as a live encoder leaves it.
    const flac = withClaimedSamples(await silentFlac({ rate: 48000, seconds: 120, frameSize: 16 }), 0);
    const t0 = performance.now();
    const probe = await probeAudio(tools, flac);
    console.log(`length-less FLAC (${(flac.length / 1e6).toFixed(1)} MB, 120 s in 16-sample frames): probed in ${(performance.now() - t0).toFixed(0)} ms as ${probe.durationSec.toFixed(1)} s`);
    // Long enough to be refused, without listing all 360,000 packets (before: 120 s, every packet listed).
    expect(probe.durationSec).toBeGreaterThan(MAX_CONVERTED_SECONDS);
    expect(probe.durationSec).toBeLessThan(MAX_CONVERTED_SECONDS + 5);
  });
});
