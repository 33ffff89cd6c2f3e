"""The portal's enrollment input: the model, its rules, claim expenses, plan limits and the
administrator's business days."""
