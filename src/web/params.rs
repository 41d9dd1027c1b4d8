//! Query-string parameters of search pages and the search API, including repeated filters
//! (`?kind=checklist&kind=guidance`), and the links that add or remove one of them.

use crate::search::request::{DEFAULT_LIMIT, MAX_OFFSET};
use crate::search::{SearchRequest, Sort};

use super::error::AppError;

/// The longest query string accepted, in bytes.
pub const MAX_QUERY_STRING: usize = 8 * 1024;

/// Search parameters as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchParams {
    /// `q`
    pub q: String,
    /// `jurisdiction` (repeatable)
    pub jurisdictions: Vec<String>,
    /// `kind` (repeatable)
    pub kinds: Vec<String>,
    /// `topic` (repeatable)
    pub topics: Vec<String>,
    /// `sort`
    pub sort: String,
    /// `page` (pages)
    pub page: Option<String>,
    /// `limit` (API)
    pub limit: Option<String>,
    /// `offset` (API)
    pub offset: Option<String>,
}

/// A filter kind: the name of its query parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterName {
    /// `jurisdiction`
    Jurisdiction,
    /// `kind`
    Kind,
    /// `topic`
    Topic,
}

impl FilterName {
    /// The parameter name.
    pub fn as_str(self) -> &'static str {
        match self {
            FilterName::Jurisdiction => "jurisdiction",
            FilterName::Kind => "kind",
            FilterName::Topic => "topic",
        }
    }
}

impl SearchParams {
    /// Parses a raw query string; unknown parameters are ignored.
    pub fn parse(raw: Option<&str>) -> Result<SearchParams, AppError> {
        let raw = raw.unwrap_or("");
        if raw.len() > MAX_QUERY_STRING {
            return Err(AppError::BadRequest(format!(
                "the query string is too long: at most {MAX_QUERY_STRING} bytes"
            )));
        }
        let mut params = SearchParams::default();
        for (key, value) in form_urlencoded::parse(raw.as_bytes()) {
            let value = value.into_owned();
            match key.as_ref() {
                "q" => params.q = value,
                "jurisdiction" => params.jurisdictions.push(value),
                "kind" => params.kinds.push(value),
                "topic" => params.topics.push(value),
                "sort" => params.sort = value,
                "page" => params.page = Some(value),
                "limit" => params.limit = Some(value),
                "offset" => params.offset = Some(value),
                _ => {}
            }
        }
        for list in [
            &mut params.jurisdictions,
            &mut params.kinds,
            &mut params.topics,
        ] {
            list.retain(|v| !v.trim().is_empty());
            list.dedup();
        }
        Ok(params)
    }

    /// The values of one filter.
    pub fn values(&self, filter: FilterName) -> &[String] {
        match filter {
            FilterName::Jurisdiction => &self.jurisdictions,
            FilterName::Kind => &self.kinds,
            FilterName::Topic => &self.topics,
        }
    }

    fn values_mut(&mut self, filter: FilterName) -> &mut Vec<String> {
        match filter {
            FilterName::Jurisdiction => &mut self.jurisdictions,
            FilterName::Kind => &mut self.kinds,
            FilterName::Topic => &mut self.topics,
        }
    }

    fn base_request(&self) -> Result<SearchRequest, AppError> {
        Ok(SearchRequest {
            query: self.q.clone(),
            jurisdictions: self.jurisdictions.clone(),
            kinds: self.kinds.clone(),
            topics: self.topics.clone(),
            sort: Sort::parse(&self.sort)?,
            ..SearchRequest::default()
        })
    }

    /// The request for a results page of `per_page` results.
    pub fn page_request(&self, per_page: usize) -> Result<SearchRequest, AppError> {
        let page = self.page_number()?;
        let offset = (page - 1).saturating_mul(per_page);
        if offset > MAX_OFFSET {
            return Err(AppError::BadRequest(
                "that page is too far: narrow the search".into(),
            ));
        }
        Ok(SearchRequest {
            limit: per_page,
            offset,
            ..self.base_request()?
        })
    }

    /// The 1-based page number (1 when absent).
    pub fn page_number(&self) -> Result<usize, AppError> {
        match self.page.as_deref().map(str::trim) {
            None | Some("") => Ok(1),
            Some(text) => text
                .parse::<usize>()
                .ok()
                .filter(|p| *p >= 1)
                .ok_or_else(|| AppError::BadRequest("`page` must be a whole number from 1".into())),
        }
    }

    /// The request for the API, with `limit` and `offset`.
    pub fn api_request(&self) -> Result<SearchRequest, AppError> {
        let number = |name: &str, value: &Option<String>, default: usize| match value
            .as_deref()
            .map(str::trim)
        {
            None | Some("") => Ok(default),
            Some(text) => text
                .parse::<usize>()
                .map_err(|_| AppError::BadRequest(format!("`{name}` must be a whole number"))),
        };
        Ok(SearchRequest {
            limit: number("limit", &self.limit, DEFAULT_LIMIT)?,
            offset: number("offset", &self.offset, 0)?,
            ..self.base_request()?
        })
    }

    /// Whether a filter value is active.
    pub fn has(&self, filter: FilterName, value: &str) -> bool {
        self.values(filter).iter().any(|v| v == value)
    }

    /// A copy with a filter value added if absent, removed if present; back to page 1.
    pub fn toggled(&self, filter: FilterName, value: &str) -> SearchParams {
        let mut next = self.clone();
        let values = next.values_mut(filter);
        if let Some(at) = values.iter().position(|v| v == value) {
            values.remove(at);
        } else {
            values.push(value.to_owned());
        }
        next.page = None;
        next
    }

    /// A copy on page `page`.
    pub fn on_page(&self, page: usize) -> SearchParams {
        SearchParams {
            page: (page > 1).then(|| page.to_string()),
            ..self.clone()
        }
    }

    /// A copy sorted by `sort` (`relevance` or `date`), back to page 1.
    pub fn sorted_by(&self, sort: &str) -> SearchParams {
        SearchParams {
            sort: if sort == "relevance" {
                String::new()
            } else {
                sort.to_owned()
            },
            page: None,
            ..self.clone()
        }
    }

    /// The `/search` URL for these parameters.
    pub fn search_href(&self) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        if !self.q.is_empty() {
            query.append_pair("q", &self.q);
        }
        for filter in [
            FilterName::Jurisdiction,
            FilterName::Kind,
            FilterName::Topic,
        ] {
            for value in self.values(filter) {
                query.append_pair(filter.as_str(), value);
            }
        }
        if !self.sort.is_empty() {
            query.append_pair("sort", &self.sort);
        }
        if let Some(page) = &self.page {
            query.append_pair("page", page);
        }
        let query = query.finish();
        if query.is_empty() {
            "/search".to_owned()
        } else {
            format!("/search?{query}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_filters_are_kept_and_toggled() {
        let params = SearchParams::parse(Some("q=guard&kind=checklist&kind=practice&page=2"))
            .expect("parses");
        assert_eq!(params.kinds, vec!["checklist", "practice"]);
        let removed = params.toggled(FilterName::Kind, "checklist");
        assert_eq!(removed.search_href(), "/search?q=guard&kind=practice");
        let added = params.toggled(FilterName::Topic, "policing");
        assert!(added.search_href().ends_with("&topic=policing"));
    }

    #[test]
    fn bad_numbers_are_bad_requests() {
        let params = SearchParams::parse(Some("page=0&limit=x")).expect("parses");
        assert!(params.page_request(10).is_err());
        assert!(params.api_request().is_err());
    }
}
