import { analyzeAudio, checkClip, encodeWav16, type AudioAnalysis, type ClipFinding } from '#shared/audio/index.ts';

/** The server stores every clip at 48 kHz; decoding to the same rate makes both analyses agree. */
const DATASET_RATE = 48000;

export interface TakeReport {
  analysis: AudioAnalysis;
  findings: ClipFinding[];
  wpm: number | null;
  /**
   * The take as a 16-bit WAV for listening back: Chromium records PCM into WebM but its media
   * element will not play PCM from WebM, so wavesurfer gets the decoded samples instead.
   */
  playback: Blob;
}

/** A take decoded to mono samples at the dataset rate. */
export async function decodeTake(blob: Blob): Promise<{ samples: Float32Array; sampleRate: number }> {
  const ctx = new OfflineAudioContext(1, 1, DATASET_RATE);
  const buffer = await ctx.decodeAudioData(await blob.arrayBuffer());
  const samples = new Float32Array(buffer.length);
  for (let c = 0; c < buffer.numberOfChannels; c++) {
    const ch = buffer.getChannelData(c);
    for (let i = 0; i < ch.length; i++) samples[i]! += ch[i]! / buffer.numberOfChannels;
  }
  return { samples, sampleRate: buffer.sampleRate };
}

/** The live checks: the same shared code the server runs on the stored WAV. */
export async function analyzeTake(blob: Blob, captureRate: number, text: string, limits: { minWpm?: number; maxWpm?: number } = {}): Promise<TakeReport> {
  const { samples, sampleRate } = await decodeTake(blob);
  // The rate check is about the microphone, not about this decoding.
  const analysis = { ...analyzeAudio(samples, sampleRate), sampleRate: captureRate };
  const playback = new Blob([encodeWav16(samples, sampleRate)], { type: 'audio/wav' });
  return { analysis, ...checkClip(analysis, text, limits), playback };
}
