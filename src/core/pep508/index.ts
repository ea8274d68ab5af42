// PEP 508: dependency specifiers and environment markers.
export type { Span } from './tokenizer';
export {
  parseMarker,
  evaluateMarker,
  markerTextHolds,
  markerToString,
  markerVariables,
  evalPythonString,
  type Marker,
  type MarkerNode,
  type MarkerExpression,
  type MarkerComparison,
  type MarkerOperand,
  type MarkerOperator,
  type MarkerVariableName,
  type MarkerEnvironment,
  type ParseResult,
} from './marker';
export { parseRequirement, requirementToString, type ParsedRequirement } from './requirement';
