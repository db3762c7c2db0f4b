/** torch.models: LeNet2 from the lesson (placeholder until the nn issue lands). */
export {};
