"""County matching programmes (县区同步奖励): the county's case created from a city award."""
