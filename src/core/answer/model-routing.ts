import type { LanguageModel } from '../../ports/language-model.port.js';
import { analyze } from '../text/analyzer.js';

/** Which chat model answers: the small (cheap, fast) or the large one. */
export type ModelSize = 'small' | 'large';
/** What a request asks for: a size, or `auto` to let the routing rule decide. */
export type ModelPreference = ModelSize | 'auto';

/** When `auto` picks the small model. */
export interface RoutingRule {
  /** Questions with more words than this go to the large model. */
  maxSmallWords: number;
  /** `auto` (the rule decides), or always `small` / `large` unless a request names a size. */
  default: ModelPreference;
}

/** The chat models and the rule choosing between them. */
export interface ModelRoutes {
  large: LanguageModel;
  small?: LanguageModel;
  rule: RoutingRule;
}

/** The choice and why, reported with the answer. */
export interface RouteDecision {
  size: ModelSize;
  reason:
    | 'requested'
    | 'configured'
    | 'short-question'
    | 'long-question'
    | 'complex-question'
    | 'no-small-model';
}

/** Words and shapes that mark a question needing reasoning over several passages. */
const complexMarkers =
  /\b(compare|comparison|contrast|differences?|versus|vs\.?|why|explain|analy[sz]e|summari[sz]e|evaluate|assess|pros and cons|trade-?offs?|step[- ]by[- ]step|implications?|relationship between|impact of|recommend)\b/i;

/**
 * Picks the model size for a question: an explicit request wins, then the configured default; with
 * `auto`, short single questions without reasoning markers go to the small model.
 *
 * @example
 * routeQuestion('How many vacation days?', 'auto', { maxSmallWords: 16, default: 'auto' }) // { size: 'small', reason: 'short-question' }
 */
export function routeQuestion(
  question: string,
  preference: ModelPreference,
  rule: RoutingRule,
): RouteDecision {
  if (preference !== 'auto') return { size: preference, reason: 'requested' };
  if (rule.default !== 'auto') return { size: rule.default, reason: 'configured' };
  const words = question.trim().split(/\s+/).filter(Boolean).length;
  if (words > rule.maxSmallWords) return { size: 'large', reason: 'long-question' };
  const questionMarks = (question.match(/\?/g) ?? []).length;
  if (complexMarkers.test(question) || questionMarks > 1 || analyze(question).length === 0) {
    return { size: 'large', reason: 'complex-question' };
  }
  return { size: 'small', reason: 'short-question' };
}

/** The model for a request, falling back to the large one when no small model is configured. */
export function chooseModel(
  routes: ModelRoutes,
  question: string,
  preference: ModelPreference = 'auto',
): { model: LanguageModel; decision: RouteDecision } {
  const decision = routeQuestion(question, preference, routes.rule);
  if (decision.size === 'small' && routes.small) return { model: routes.small, decision };
  if (decision.size === 'small')
    return { model: routes.large, decision: { size: 'large', reason: 'no-small-model' } };
  return { model: routes.large, decision };
}
