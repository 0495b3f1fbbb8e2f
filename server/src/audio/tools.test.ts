import { describe, expect, it } from 'vitest';
import { parseWav } from '#shared/audio/index.ts';
import { reencode, silenceWav, speechTools, speechWav } from '../testing/speech.ts';
import { pocketsphinxRecognizer } from './asr.ts';
import { DATASET_RATE, probeAudio, RECOGNIZER_RATE, toDatasetWav, toRecognizerWav } from './convert.ts';
import { runTool, ToolError } from './run-tool.ts';
import { detectAudioTools, describeMissing } from './tools.ts';
import { espeakEngine, ESPEAK_VOICES, pickVoiceAndRate, speakableText } from './tts.ts';

describe('running tools', () => {
  it('reports a missing program as such, with its name', async () => {
    const err = await runTool('frobnicator', '/nonexistent/frob', [], { timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToolError);
    expect((err as ToolError).kind).toBe('missing');
    expect((err as ToolError).message).toContain('frobnicator is not installed');
  });

  it('kills a program that overruns its time limit', async () => {
    const err = await runTool('sleeper', '/bin/sleep', ['10'], { timeoutMs: 200 }).catch((e: unknown) => e);
    expect((err as ToolError).kind).toBe('timeout');
  });

  it('turns a non-zero exit into a failure carrying the last line of stderr', async () => {
    const err = await runTool('sh', '/bin/sh', ['-c', 'echo first >&2; echo "the reason" >&2; exit 3'], { timeoutMs: 5000 }).catch((e: unknown) => e);
    expect((err as ToolError).message).toBe('sh failed (exit 3): the reason');
  });

  it('treats tool overrides that point nowhere as switched off, and says what stops working', async () => {
    const tools = await detectAudioTools({ PATH: '/nonexistent', FFMPEG_PATH: '/nonexistent/ffmpeg', FFPROBE_PATH: '/nonexistent/ffprobe', ESPEAK_NG_PATH: '/nonexistent/espeak', POCKETSPHINX_BIN_DIR: '/nonexistent', SOX_PATH: '/nonexistent/sox' });
    expect(tools).toEqual({ ffmpeg: null, ffprobe: null, sox: null, espeakNg: null, pocketsphinx: null });
    expect(describeMissing(tools).join('\n')).toMatch(/ffmpeg.*\n.*ffprobe.*\n.*espeak-ng.*\n.*pocketsphinx/);
    await expect(toDatasetWav(tools, new Uint8Array(10))).rejects.toThrow(/ffmpeg is not installed/);
  });
});

describe('text for the synthesizer', () => {
  it('drops control characters and espeak phoneme brackets', () => {
    expect(speakableText('the dog [[h@l@U]]\u0007 runs\n\naway ')).toBe('the dog h@l@U runs away');
  });

  it('walks through every voice at every rate, deterministically', () => {
    const engine = espeakEngine({ ffmpeg: null, ffprobe: null, sox: null, espeakNg: '/usr/bin/espeak-ng', pocketsphinx: null });
    const picks = Array.from({ length: ESPEAK_VOICES.length * 5 }, (_, i) => pickVoiceAndRate(engine, i));
    expect(new Set(picks.map((p) => `${p.voice}@${p.wordsPerMinute}`)).size).toBe(picks.length);
    for (const p of picks) {
      expect(p.wordsPerMinute).toBeGreaterThanOrEqual(110);
      expect(p.wordsPerMinute).toBeLessThanOrEqual(150);
    }
    expect(pickVoiceAndRate(engine, 17)).toEqual(pickVoiceAndRate(engine, 17));
  });
});

describe.skipIf(!speechTools.available)('audio tools on real audio' + speechTools.skipNote, () => {
  const toolsP = detectAudioTools();

  it('converts any lossless upload to 48 kHz mono 16-bit, the same bytes every time', async () => {
    const tools = await toolsP;
    const stereo44 = reencode(speechWav('the dog running', { rate: 44100 }), 'wav', ['-ac', '2', '-c:a', 'pcm_s24le']);
    const a = await toDatasetWav(tools, stereo44);
    const b = await toDatasetWav(tools, stereo44);
    expect(Buffer.compare(a, b)).toBe(0);
    const pcm = parseWav(a);
    expect(pcm.sampleRate).toBe(DATASET_RATE);
    expect(pcm.channels).toBe(1);
    expect(pcm.samples.length / DATASET_RATE).toBeGreaterThan(1);
    const rec = parseWav(await toRecognizerWav(tools, a));
    expect(rec.sampleRate).toBe(RECOGNIZER_RATE);
  });

  it('tells lossless from lossy uploads by content, whatever the file is called', async () => {
    const tools = await toolsP;
    const wav = speechWav('the horse jumping across the fence');
    const pcmWebm = await probeAudio(tools, reencode(wav, 'mka', ['-c:a', 'pcm_f32le']));
    expect(pcmWebm).toMatchObject({ codec: 'pcm_f32le', sampleRate: 48000, channels: 1, lossless: true });
    expect(pcmWebm.durationSec).toBeGreaterThan(1.5);
    const opus = await probeAudio(tools, reencode(wav, 'webm', ['-c:a', 'libopus']));
    expect(opus).toMatchObject({ codec: 'opus', lossless: false });
  });

  it('refuses empty and garbage files with a sentence about the upload', async () => {
    const tools = await toolsP;
    await expect(toDatasetWav(tools, new Uint8Array(0))).rejects.toThrow('the audio file is empty');
    const garbage = new TextEncoder().encode('this is not audio at all, just some text '.repeat(50));
    await expect(toDatasetWav(tools, garbage)).rejects.toMatchObject({ kind: 'invalid-input' });
    await expect(probeAudio(tools, garbage)).rejects.toMatchObject({ kind: 'invalid-input' });
  });

  it('synthesizes with every listed voice, refusing unknown voices and rates espeak-ng cannot do', async () => {
    const tools = await toolsP;
    const engine = espeakEngine(tools);
    const lengths = new Set<number>();
    for (const v of ESPEAK_VOICES) {
      const wav = parseWav(await engine.synthesize('the bird flying away', { voice: v.id, wordsPerMinute: 130 }));
      expect(wav.samples.length).toBeGreaterThan(wav.sampleRate * 0.5);
      lengths.add(wav.samples.length);
    }
    // Distinct voices give distinct audio, not one voice under several names.
    expect(lengths.size).toBeGreaterThan(ESPEAK_VOICES.length / 2);
    await expect(engine.synthesize('x', { voice: '../../etc/passwd', wordsPerMinute: 130 })).rejects.toThrow(/unknown espeak-ng voice/);
    await expect(engine.synthesize('x', { voice: 'en-us', wordsPerMinute: 20 })).rejects.toThrow(/speaking rate/);
  });

  it('recognizes which of the candidate sentences was spoken, and passes no silence', async () => {
    const tools = await toolsP;
    const asr = pocketsphinxRecognizer(tools);
    const candidates = ['the dog running away from the car near the tree', 'two lions fighting each other', 'the cat jumping onto the table', 'the leftmost sheep walking to the right'];
    for (const [i, text] of candidates.entries()) {
      const wav16 = await toRecognizerWav(tools, speechWav(text));
      const r = await asr.closedSet(wav16, candidates);
      expect(r.chosen, `${text} -> ${r.hypothesis}`).toBe(i);
    }
    const silent = await asr.closedSet(await toRecognizerWav(tools, silenceWav(2)), candidates);
    expect(silent.chosen).not.toBe(0);
    const free = await asr.transcribe(await toRecognizerWav(tools, speechWav('two lions fighting each other')));
    expect(free.length).toBeGreaterThan(0);
    await expect(asr.closedSet(speechWav('the dog'), candidates)).rejects.toThrow(/16000 Hz mono/);
  });
});
