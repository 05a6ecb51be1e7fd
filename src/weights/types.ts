/** What convertWeights takes (a PyTorch state dict or an ONNX operator's inputs) and what it gives (Keras layout). */
import type { Activation } from '../kernels/activation.js';
import type { CellId } from '../kernels/cells.js';
import type { BiasForm, GateRows } from './keras-layout.js';
import type { PlainTensor } from './tensor.js';

/** An `nn.RNN` (cell 'simpleRNN'), `nn.LSTM` ('lstm') or `nn.GRU` ('gru') module's `state_dict()`. */
export interface PyTorchSource<C extends CellId = CellId> {
  readonly from: 'pytorch';
  readonly cell: C;
  /**
   * weight_ih_l{k}, weight_hh_l{k} and, unless the module has bias=False, bias_ih_l{k}, bias_hh_l{k}
   * for every layer k, each also with the suffix _reverse when the module is bidirectional.
   */
  readonly stateDict: Readonly<Record<string, PlainTensor>>;
  /**
   * Reads only the keys that start with it, e.g. 'encoder.' for the module `encoder` in a larger model's
   * state dict. Without it every key must be the module's.
   */
  readonly prefix?: string;
  /** nn.RNN's nonlinearity, which its state dict does not hold: 'tanh' (default) or 'relu'. */
  readonly nonlinearity?: 'tanh' | 'relu';
}

/** The inputs and attributes of an ONNX `RNN` (cell 'simpleRNN'), `LSTM` ('lstm') or `GRU` ('gru') operator. */
export interface OnnxSource<C extends CellId = CellId> {
  readonly from: 'onnx';
  readonly cell: C;
  /** [num_directions, G·hidden_size, input_size]: gates i, o, f, c (LSTM), z, r, h (GRU). */
  readonly W: PlainTensor;
  /** [num_directions, G·hidden_size, hidden_size] */
  readonly R: PlainTensor;
  /** [num_directions, 2·G·hidden_size]: Wb, then Rb. Optional, as in ONNX (zeros). */
  readonly B?: PlainTensor;
  /** Default 'forward'. */
  readonly direction?: 'forward' | 'reverse' | 'bidirectional';
  /** The hidden_size attribute: checked against R when given. */
  readonly hiddenSize?: number;
  /** GRU only: 1 is Keras's resetAfter (bias [2, 3·units]), 0 (ONNX's default) its reset-before form. */
  readonly linearBeforeReset?: 0 | 1;
  /**
   * The activations attribute, ONNX's names (Sigmoid, Tanh, Relu, HardSigmoid, Softsign; without
   * activation_alpha or activation_beta): f per direction for RNN, f, g for GRU, f, g, h for LSTM (g and h
   * the same, as Keras has one). Default ONNX's: Tanh; Sigmoid, Tanh; Sigmoid, Tanh, Tanh.
   */
  readonly activations?: readonly string[];
}

export type WeightSource<C extends CellId = CellId> = PyTorchSource<C> | OnnxSource<C>;

interface CommonConfig {
  readonly features: number;
  readonly units: number;
  readonly activation: Activation;
  readonly goBackwards: boolean;
  readonly useBias: boolean;
}

interface ConvertedConfigs {
  readonly simpleRNN: CommonConfig;
  readonly lstm: CommonConfig & { readonly recurrentActivation: Activation };
  readonly gru: CommonConfig & { readonly recurrentActivation: Activation; readonly resetAfter: boolean };
}

/**
 * A layer's config in this package's (and tf.layers') terms: createSimpleRNN, createLSTM and createGRU
 * take it with batch and timesteps added.
 */
export type ConvertedConfig<C extends CellId = CellId> = ConvertedConfigs[C];

/** One direction of one layer in Keras's layout. */
export interface ConvertedDirection<C extends CellId = CellId> {
  readonly config: ConvertedConfig<C>;
  /** [features, G·units]: gates i, f, c̃, o (LSTM), z, r, h̃ (GRU). */
  readonly kernel: Float32Array;
  /** [units, G·units] */
  readonly recurrentKernel: Float32Array;
  /** [G·units], or [2, 3·units] for a GRU with resetAfter (input row, recurrent row); null without bias. */
  readonly bias: Float32Array | null;
  /** kernel, recurrentKernel and bias (if any): a Keras layer's getWeights() order. */
  readonly weights: readonly Float32Array[];
}

export interface ConvertedWeights<C extends CellId = CellId> {
  readonly cell: C;
  /** Units of every layer (PyTorch's and ONNX's hidden_size). */
  readonly units: number;
  readonly bidirectional: boolean;
  /**
   * Bottom up, each layer's directions: the forward one, then (bidirectional) the backward one, whose
   * config has goBackwards. An ONNX 'reverse' operator has only the backward one. Layer k > 0 takes layer
   * k-1's outputs, both directions' concatenated per step, the backward one's in the input's time order.
   */
  readonly layers: readonly (readonly ConvertedDirection<C>[])[];
  /**
   * Every direction's weights in order: what tfjs's (and Keras's) getWeights() gives for these layers
   * (Bidirectional: the forward layer's, then the backward layer's), so setWeights takes them, with the
   * rest of a model's weights after them.
   */
  readonly weights: readonly Float32Array[];
}

/** One direction of one layer as a reader finds it, before it becomes Keras's. */
export interface SourceDirection {
  readonly rows: GateRows;
  readonly goBackwards: boolean;
  readonly activation: Activation;
  /** LSTM and GRU. */
  readonly recurrentActivation: Activation;
}

/** A reader's result: the directions of every layer, and how their gates and biases map onto Keras's. */
export interface SourceLayers {
  readonly units: number;
  /** order[k]: the source's gate block of Keras's gate k. */
  readonly order: readonly number[];
  readonly biasForm: BiasForm;
  readonly layers: readonly (readonly SourceDirection[])[];
}
