// The knowledge base that ships with ML Pins: every family in rules/, compiled into the bundle by esbuild.
import accelerators from '../../../rules/accelerators.json';
import flask from '../../../rules/flask.json';
import httpClients from '../../../rules/http-clients.json';
import huggingfaceHub from '../../../rules/huggingface-hub.json';
import implicitInstalls from '../../../rules/implicit-installs.json';
import mlMinimums from '../../../rules/ml-minimums.json';
import numpy from '../../../rules/numpy.json';
import numpy2 from '../../../rules/numpy2.json';
import packaging from '../../../rules/packaging.json';
import protobuf from '../../../rules/protobuf.json';
import python from '../../../rules/python.json';
import setuptools from '../../../rules/setuptools.json';
import torchCompanions from '../../../rules/torch-companions.json';
import torch from '../../../rules/torch.json';
import torchvision from '../../../rules/torchvision.json';
import type { RuleFamily } from './types';

export const bundledFamilies: RuleFamily[] = [
  huggingfaceHub, numpy2, numpy, implicitInstalls, mlMinimums, torchCompanions, torch, torchvision, flask, httpClients, protobuf, setuptools, accelerators, python, packaging,
] as unknown as RuleFamily[];
