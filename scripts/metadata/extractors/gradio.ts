// gradio: pyproject.toml at each gradio@<version> / v<version> tag; its dependencies are dynamic, read by the
// hatch-requirements-txt plugin from requirements.txt (and requirements-oauth.txt for the oauth extra), which are
// read here the same way. Before pyproject.toml, setup.py.
import type { SourceExtractor } from '../extractor';
import { readProject, tagVersion } from '../python-literals';

const extractor: SourceExtractor = {
  package: 'gradio',
  repository: 'gradio-app/gradio',
  version: (tag) => tagVersion(tag, /^(gradio@|v)(?=\d)/),
  extract: (ctx) => readProject(ctx),
};
export default extractor;
