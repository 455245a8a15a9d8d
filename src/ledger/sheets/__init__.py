"""The generated sheets (callback list, record forms, monthly statistics) described as layouts, without Excel."""
