"""What a claim is about and which facts and claims it is tied to."""
