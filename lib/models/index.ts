/** torch.models: the lesson's LeNet2. */
export { LeNet2 } from './lenet2';
export type { LeNet2Options } from './lenet2';
