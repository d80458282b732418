"""Enterprise identity (单位身份核验): the county verifies each enterprise once, resolves claims
on a credit code registered twice, and confirms changes of the account its rewards are paid to."""
