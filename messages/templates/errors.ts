/** The refusal of a template's input: a key or context value it cannot render, named in Norwegian. */
export class TemplateInputError extends Error {
  override name = 'TemplateInputError';
}
