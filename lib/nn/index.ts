/** torch.nn: modules, functional ops and initialisers (placeholder until the nn issue lands). */
export {};
