// opencv-contrib-python: built from opencv/opencv-python's setup.py, as opencv-python (see opencv-python.ts).
import { opencvExtractor } from './opencv-python';

export default opencvExtractor('opencv-contrib-python');
