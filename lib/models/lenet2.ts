/**
 * LeNet2, the model of the lesson this project grew from: two conv/ReLU/max-pool stages in `features` and three
 * linear layers in `classifier`, for 3×32×32 images. Parameter names (`features.0.weight` … `classifier.4.bias`),
 * the printed structure and the seeded initial weights are PyTorch's; it pickles as `__main__.LeNet2`, the class
 * the lesson defines in its script.
 */
import { noGrad } from '../autograd';
import { Conv2d, Linear, MaxPool2d, Module, ReLU, registerModuleClass, Sequential } from '../nn';
import { FLAT_BATCH, newPlan, runPlan } from '../nn/chain';
import { planModule } from '../nn/container';
import { Tensor } from '../tensor';

/** Options of LeNet2: the number of classes the classifier outputs. */
export interface LeNet2Options {
  classes: number;
}

/** The lesson's LeNet2. */
export class LeNet2 extends Module {
  declare features: Sequential;
  declare classifier: Sequential;

  constructor(opts: LeNet2Options) {
    super();
    this.features = new Sequential(
      new Conv2d(3, 6, 5),
      new ReLU(),
      new MaxPool2d(2, 2),
      new Conv2d(6, 16, 5),
      new ReLU(),
      new MaxPool2d(2, 2),
    );
    this.classifier = new Sequential(
      new Linear(16 * 5 * 5, 120),
      new ReLU(),
      new Linear(120, 84),
      new ReLU(),
      new Linear(84, opts.classes),
    );
  }

  /** Logits for a batch of images (N, 3, 32, 32). */
  override forward(x: Tensor): Tensor {
    // Both stages in one native call when they are still built-in layers (see nn/chain.ts); a replaced stage (a
    // custom classifier for fine-tuning, say) runs through its own forward.
    const plan = newPlan();
    if (planModule(this.features, plan)) {
      plan.codes.push(FLAT_BATCH);
      if (planModule(this.classifier, plan)) return runPlan(x, plan);
    }
    const features = this.features.call(x);
    return this.classifier.call(features.view(features.size(0), -1));
  }

  /** Fills every parameter with 2020, as the lesson does to tell a loaded model from a fresh one. */
  initialize(): void {
    noGrad(() => {
      for (const p of this.parameters()) p.fill_(2020);
    });
  }
}

registerModuleClass(LeNet2, '__main__', 'LeNet2');
