// AudioWorklet processor: forwards each 128-frame block of the first input channel to the page.
// Runs in the audio rendering thread, where only these globals exist.
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(name: string, ctor: new () => AudioWorkletProcessor): void;

class PcmRecorder extends AudioWorkletProcessor {
  process(inputs: Float32Array[][]): boolean {
    const channel = inputs[0]?.[0];
    // The block is reused by the engine after process() returns: send a copy.
    if (channel) this.port.postMessage(channel.slice(0));
    return true;
  }
}

registerProcessor('pcm-recorder', PcmRecorder);
