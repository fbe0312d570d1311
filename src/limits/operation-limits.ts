import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import { depthLimit } from '@graphile/depth-limit';
import { GraphQLError, type ParseOptions, type Source, type ValidationContext, type ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { RequestLimits } from '../config.js';

/** How graphql-armor reports a refusal. */
type RejectCallback = (context: ValidationContext | null, error: GraphQLError) => void;

/** `extensions.code` of each refusal; the message says which limit and by how much. */
export const LIMIT_CODES = {
  depth: 'DEPTH_LIMIT_EXCEEDED',
  aliases: 'ALIAS_LIMIT_EXCEEDED',
  tokens: 'TOKEN_LIMIT_EXCEEDED',
  directives: 'DIRECTIVE_LIMIT_EXCEEDED',
} as const;

const CODES = new Set<unknown>(Object.values(LIMIT_CODES));

/**
 * Depth, aliases, tokens and directives, checked while parsing and validating: a document over a limit gets HTTP
 * 400 (whatever the response's media type) with a coded error and never executes. The token limit also bounds how
 * deep the parser recurses, and a document nested past the stack is a coded error too, never a crash.
 */
export function useOperationLimits(limits: RequestLimits): Plugin {
  const rules: ValidationRule[] = [
    // Graphile's rule (by a GraphQL TSC member) also stops the introspection cycles (`__Type.fields` inside
    // `__Type.fields` …) that make a few hundred bytes answer gigabytes; its own defaults are kept for those, wide
    // enough for GraphiQL's introspection query.
    withCode(
      LIMIT_CODES.depth,
      depthLimit({
        maxDepth: limits.maxDepth,
        maxListDepth: Number.POSITIVE_INFINITY,
        maxSelfReferentialDepth: Number.POSITIVE_INFINITY,
        maxIntrospectionDepth: 16,
        maxDepthByFieldCoordinates: { '__Type.ofType': 10 },
        revealDetails: true,
      }),
    ),
    maxAliasesRule({ n: limits.maxAliases, propagateOnRejection: false, onReject: [reportAs(LIMIT_CODES.aliases)] }),
    maxDirectivesRule({ n: limits.maxDirectives, propagateOnRejection: false, onReject: [reportAs(LIMIT_CODES.directives)] }),
  ];
  const rejectTokens: RejectCallback = (_context, error) => {
    throw limitError(LIMIT_CODES.tokens, error.message);
  };
  const parse = (source: string | Source, options?: ParseOptions) => {
    try {
      return new MaxTokensParserWLexer(source, { ...options, n: limits.maxTokens, onReject: [rejectTokens] }).parseDocument();
    } catch (error) {
      if (error instanceof RangeError) throw limitError(LIMIT_CODES.depth, 'The document is nested too deeply to parse.');
      throw error;
    }
  };
  return {
    onParse({ setParseFn }) {
      setParseFn(parse);
    },
    onValidate({ addValidationRule }) {
      for (const rule of rules) addValidationRule(rule);
    },
    onExecutionResult({ result, setResult }) {
      // Yoga answers `application/json` requests with 200 for parse and validation errors (as the GraphQL over
      // HTTP spec has it for those); a refusal by limit is the server's, and says so with 400 everywhere.
      if (result && 'errors' in result && result.errors?.some((error) => CODES.has(error.extensions?.['code']))) {
        setResult({ ...result, extensions: { ...result.extensions, http: { status: 400 } } });
      }
    },
  };
}

function limitError(code: string, message: string, nodes?: GraphQLError['nodes']): GraphQLError {
  return new GraphQLError(message.replace(/^Syntax Error: /, ''), { nodes, extensions: { code } });
}

function reportAs(code: string): RejectCallback {
  return (context, error) => context?.reportError(limitError(code, error.message, error.nodes));
}

/** `rule` with every error it reports carrying `code`. */
function withCode(code: string, rule: ValidationRule): ValidationRule {
  return (context) => {
    const coded: ValidationContext = Object.create(context, {
      reportError: { value: (error: GraphQLError) => context.reportError(limitError(code, error.message, error.nodes)) },
    });
    return rule(coded);
  };
}
