// Typed access to node attributes, with ONNX defaults, and constructors for graph builders.
import { ValueError } from '../runtime/errors.js';
import type { Attribute, Node } from './ir.js';
import type { TensorData } from './tensor-data.js';

function describe(node: Node): string {
  return `${node.opType} node '${node.name}'`;
}

function read<T extends Attribute['type']>(node: Node, name: string, type: T): Extract<Attribute, { type: T }> | undefined {
  const attr = node.attributes[name];
  if (!attr) return undefined;
  if (attr.type !== type) {
    throw new ValueError(`${describe(node)}: attribute '${name}' should be ${type} but is ${attr.type}.`);
  }
  return attr as Extract<Attribute, { type: T }>;
}

export function attrInt(node: Node, name: string, fallback: number): number;
export function attrInt(node: Node, name: string): number | undefined;
export function attrInt(node: Node, name: string, fallback?: number): number | undefined {
  return read(node, name, 'int')?.value ?? fallback;
}

export function attrFloat(node: Node, name: string, fallback: number): number;
export function attrFloat(node: Node, name: string): number | undefined;
export function attrFloat(node: Node, name: string, fallback?: number): number | undefined {
  return read(node, name, 'float')?.value ?? fallback;
}

export function attrString(node: Node, name: string, fallback: string): string;
export function attrString(node: Node, name: string): string | undefined;
export function attrString(node: Node, name: string, fallback?: string): string | undefined {
  return read(node, name, 'string')?.value ?? fallback;
}

export function attrInts(node: Node, name: string, fallback: number[]): number[];
export function attrInts(node: Node, name: string): number[] | undefined;
export function attrInts(node: Node, name: string, fallback?: number[]): number[] | undefined {
  return read(node, name, 'ints')?.value ?? fallback;
}


export function attrTensor(node: Node, name: string): TensorData | undefined {
  return read(node, name, 'tensor')?.value;
}

/** Attribute constructors, for code that builds nodes. */
export const attr = {
  int: (value: number): Attribute => ({ type: 'int', value }),
  float: (value: number): Attribute => ({ type: 'float', value }),
  string: (value: string): Attribute => ({ type: 'string', value }),
  ints: (value: number[]): Attribute => ({ type: 'ints', value }),
  floats: (value: number[]): Attribute => ({ type: 'floats', value }),
  tensor: (value: TensorData): Attribute => ({ type: 'tensor', value }),
};

/** A standard-domain node. */
export function makeNode(
  opType: string,
  inputs: string[],
  outputs: string[],
  attributes: Record<string, Attribute> = {},
  name = outputs[0] ?? opType,
): Node {
  return { name, opType, domain: '', inputs, outputs, attributes };
}
