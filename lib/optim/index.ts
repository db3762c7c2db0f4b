/** torch.optim: optimizers and lr schedulers (placeholder until the nn issue lands). */
export {};
